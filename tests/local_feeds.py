"""A feed server on 127.0.0.1 that tests control: content, validators (304), errors, redirects, gzip,
slow and huge answers; it counts requests and the most that were ever in flight at once."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from dataclasses import dataclass, field
from types import TracebackType

from aiohttp import web


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    location: str | None = None
    gzip: bool = False
    delay: float = 0.0
    huge_bytes: int = 0  # stream this many bytes instead of the body
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
