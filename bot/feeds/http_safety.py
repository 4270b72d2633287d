"""Which addresses the bot may fetch: feeds must not reach private networks (SSRF).

Two checks, both on every redirect hop: `check_url` refuses a URL whose host is an address written literally
(aiohttp connects to those without resolving them), and `SafeResolver`, the resolver of every session that
fetches feeds, drops each resolved address that is not global. The connector can then connect only to an
address that was checked: a name that resolves public once and private the next time (DNS rebinding) gets
nowhere, because the answer checked is the answer connected to.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# NAT64 (RFC 6052): a gateway connects 64:ff9b::a.b.c.d to the IPv4 address a.b.c.d.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IPv4-compatible IPv6 (deprecated, ::a.b.c.d): some stacks still route it to a.b.c.d.
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class UnsafeAddress(Exception):
    """The URL points at a private, loopback, link-local or otherwise internal address."""


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (IPv4-mapped, 6to4, NAT64, IPv4-compatible), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """True for a global unicast address; an IPv6 address that carries an IPv4 one is judged by that one
    (2002:c0a8:0101:: is 192.168.1.1 behind a 6to4 relay)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
    return address.is_global and not address.is_multicast


def check_ip(address: str, *, allow_private: bool) -> None:
    """Raise UnsafeAddress unless the address may be fetched; ValueError when it is not an address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is not part of it
    if not allow_private and not is_public(ip):
        raise UnsafeAddress(f"refused: {address} is a private or internal address")


async def check_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeAddress unless the URL is http(s) and its host, when written as an address, may be fetched.
    A host name is checked where it is resolved, by SafeResolver."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress(f"refused: {url!r} is not an http(s) URL")
    if _is_address(parts.hostname):
        check_ip(parts.hostname, allow_private=allow_private)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class SafeResolver(AbstractResolver):
    """aiohttp's resolver, keeping only the addresses that may be fetched; none left is a refusal."""

    def __init__(self, inner: AbstractResolver | None = None, *, allow_private: bool = False) -> None:
        self._inner = inner if inner is not None else DefaultResolver()
        self.allow_private = allow_private

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        if self.allow_private:
            return answers
        kept = [answer for answer in answers if _resolved_is_public(answer)]
        if not kept:
            found = ", ".join(sorted({answer["host"] for answer in answers})) or "nothing"
            raise UnsafeAddress(f"refused: {host} resolves to {found}, a private or internal address")
        return kept

    async def close(self) -> None:
        await self._inner.close()


def _resolved_is_public(answer: ResolveResult) -> bool:
    try:
        return is_public(ipaddress.ip_address(answer["host"].split("%", 1)[0]))
    except ValueError:
        return False  # not an address at all: never connect to it


__all__ = ["SafeResolver", "UnsafeAddress", "check_ip", "check_url", "embedded_ipv4", "is_public"]
