"""A feed server on 127.0.0.1 that tests control: content, validators (304), errors, redirects, gzip,
slow, huge and trickled answers; it counts requests and the most that were ever in flight at once.
And DNS for tests: names that resolve to the server, or resolve one way and then another (rebinding)."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import socket
from collections import Counter
from dataclasses import dataclass, field
from types import TracebackType

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.feeds.http_safety import SafeResolver


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    location: str | None = None
    gzip: bool = False
    delay: float = 0.0
    huge_bytes: int = 0  # stream this many bytes instead of the body
    trickle: int = 0  # send the body in pieces of this many bytes, a moment apart (more than one read's worth)
    last_modified: str = "Wed, 03 Mar 2021 07:00:00 GMT"


@dataclass
class LocalFeeds:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    headers_seen: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    in_flight: int = 0
    most_in_flight: int = 0
    port: int = 0
    together: list[int] | None = None  # shared by several servers: [in flight now, most ever]
    _runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, **options: object) -> str:
        self.routes[path] = Route(body=body, **options)  # type: ignore[arg-type]
        return self.url(path)

    async def __aenter__(self) -> LocalFeeds:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        self.headers_seen.setdefault(path, []).append(dict(request.headers))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        if self.together is not None:
            self.together[0] += 1
            self.together[1] = max(self.together[1], self.together[0])
        try:
            route = self.routes.get(path)
            if route is None:
                return web.Response(status=404)
            if route.delay:
                await asyncio.sleep(route.delay)
            if route.location:
                return web.Response(status=route.status, headers={"Location": route.location})
            if route.status != 200:
                return web.Response(status=route.status, text="error")
            if route.huge_bytes:
                response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
                await response.prepare(request)
                chunk = b"<!-- padding -->" * 4096
                sent = 0
                while sent < route.huge_bytes:
                    await response.write(chunk)
                    sent += len(chunk)
                return response
            if route.trickle:
                return await self._trickle(request, route)
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            headers = {"ETag": etag, "Last-Modified": route.last_modified, "Content-Type": "application/rss+xml"}
            body = route.body
            if route.gzip:
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            return web.Response(body=body, headers=headers)
        finally:
            self.in_flight -= 1
            if self.together is not None:
                self.together[0] -= 1

    @staticmethod
    async def _trickle(request: web.Request, route: Route) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        for start in range(0, len(route.body), route.trickle):
            await response.write(route.body[start:start + route.trickle])
            await asyncio.sleep(0.01)  # the client has read the last piece before the next comes
        await response.write_eof()
        return response


class StaticDNS(AbstractResolver):
    """DNS for tests, no network: each name has a list of answers (each a list of addresses). Every lookup
    gives the next answer, the last one from then on: [[public], [127.0.0.1]] is a rebinding attacker's DNS."""

    def __init__(self, names: dict[str, list[list[str]]]) -> None:
        self.names = names
        self.lookups: Counter[str] = Counter()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        answers = self.names.get(host)
        if not answers:
            raise OSError(socket.EAI_NONAME, f"{host} is not known")
        answer = answers[min(self.lookups[host], len(answers) - 1)]
        self.lookups[host] += 1
        return [{"hostname": host, "host": address, "port": port, "proto": 0, "flags": socket.AI_NUMERICHOST,
                 "family": socket.AF_INET6 if ":" in address else socket.AF_INET} for address in answer]

    async def close(self) -> None:
        return None


class StandInInternet(AbstractResolver):
    """The resolver for a fetcher under test. Names in `public` stand for hosts on the internet: they are
    served on 127.0.0.1 here, so they skip the check; every other name is resolved by the bot's own
    SafeResolver over the same DNS, as in production."""

    def __init__(self, dns: StaticDNS, public: set[str], *, allow_private: bool = False) -> None:
        self.dns = dns
        self.public = public
        self.checked = SafeResolver(dns, allow_private=allow_private)

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        if host in self.public:
            return await self.dns.resolve(host, port, family)
        return await self.checked.resolve(host, port, family)

    async def close(self) -> None:
        return None


def rss_with_entries(count: int, title: str = "Big Feed") -> bytes:
    """An RSS feed of `count` short entries (about 210 bytes each): 400 make a body of many reads."""
    items = "".join(f"<item><title>Entry number {n}</title><link>https://big.example/{n}</link>"
                    f"<guid>big-{n}</guid><pubDate>Wed, 03 Mar 2021 07:00:00 +0000</pubDate>"
                    f"<description>Nothing happened today, entry {n}.</description></item>" for n in range(count))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"{items}</channel></rss>").encode()
