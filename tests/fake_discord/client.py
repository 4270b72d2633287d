"""Pointing the real discord.py at the fake server, and running a client against it in a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import TracebackType

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.fake_discord.server import FakeDiscordServer


class DiscordPyEndpoints:
    """Sets ``discord.http.Route.BASE`` (every REST call, webhooks and interaction responses included) and
    ``DiscordWebSocket.DEFAULT_GATEWAY`` (what a plain ``discord.Client`` dials; it never asks /gateway/bot),
    remembering the old values for ``restore()``. Also a context manager. These are class attributes: the
    patch is process-wide, so clients of one test share it."""

    def __init__(self, base_url: str, gateway_url: str) -> None:
        self._old_base = Route.BASE
        self._old_gateway = DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = base_url.rstrip("/")
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore(self) -> None:
        Route.BASE = self._old_base
        DiscordWebSocket.DEFAULT_GATEWAY = self._old_gateway

    def __enter__(self) -> DiscordPyEndpoints:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.restore()


def configure_discord_py(base_url: str, gateway_url: str) -> DiscordPyEndpoints:
    """``configure_discord_py(server.base_url, server.gateway_url)``; call ``.restore()`` or use ``with``."""
    return DiscordPyEndpoints(base_url, gateway_url)


@contextlib.asynccontextmanager
async def running_client(
    client: discord.Client, server: FakeDiscordServer, *, ready_timeout: float = 5.0
) -> AsyncIterator[discord.Client]:
    """Start ``client`` against ``server`` and wait until it is ready; on exit close it and restore
    discord.py's endpoints. If the client dies while starting, its exception is raised here."""
    with configure_discord_py(server.base_url, server.gateway_url):
        task = asyncio.create_task(client.start(server.token), name="fake-discord-client")
        try:
            await server.wait_until(lambda: client.is_ready() or task.done(), ready_timeout, "the client ready")
            if task.done():
                task.result()  # raises what client.start raised
                raise RuntimeError("discord client stopped before becoming ready")
            yield client
        finally:
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=5.0)
