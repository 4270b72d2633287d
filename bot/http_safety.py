"""Which addresses the bot may fetch: feeds added in chat must not reach private networks (SSRF)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeAddress(Exception):
    """The URL points at a private, loopback, link-local or otherwise internal address."""


def check_ip(address: str, *, allow_private: bool) -> None:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if allow_private:
        return
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved \
            or ip.is_unspecified:
        raise UnsafeAddress(f"refused: {address} is a private or internal address")


async def check_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeAddress unless every address the URL's host resolves to may be fetched."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress(f"refused: {url!r} is not an http(s) URL")
    host = parts.hostname
    try:
        check_ip(host, allow_private=allow_private)
        return
    except ValueError:
        pass  # a name, not a literal address
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as error:
        raise UnsafeAddress(f"refused: cannot resolve {host}: {error}") from error
    for info in infos:
        check_ip(str(info[4][0]), allow_private=allow_private)
