"""The discord.py client: connects, syncs the slash commands, and runs the service's polling and delivery
inside its event loop with a Discord sink. One process holds the gateway: a lease in the store, renewed while
the client runs; a second process waits for it. A delivery-only worker sends through Discord's REST API alone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.chat.discord_sink import DiscordSink
from bot.chat.host import ChatHost
from bot.errors import SiteWatchError
from bot.store.base import Store

log = logging.getLogger("sitewatch.discord")

GATEWAY_LEASE = "discord-gateway"
GATEWAY_LEASE_SECONDS = 30.0  # renewed every third of this: a dead holder's gateway is taken over after it
GATEWAY_WAIT_SECONDS = 2.0  # how often a waiting process looks again: a cleanly stopped holder's is free at once


def configure_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py at a Discord API proxy (or the tests' local server). Both are class attributes of
    discord.py: REST calls, webhooks and interaction replies use Route.BASE; a plain Client dials
    DEFAULT_GATEWAY and never asks /gateway/bot."""
    if api_base:
        Route.BASE = api_base.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class SiteWatchClient(discord.Client):
    def __init__(self, service: ChatHost, **options: Any) -> None:
        # Slash commands and guild events only: no privileged intents (message content, members) needed.
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none(),
                         **options)
        self.service = service
        self.tree = app_commands.CommandTree(self)
        self._service_task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def setup_hook(self) -> None:
        from bot.chat.commands import register_commands

        discord_config = self.service.config.discord
        self.service.sink = DiscordSink(self.http, admin_channel_id=discord_config.admin_channel_id,
                                        bot_user_id=self.user.id if self.user else None)
        self.service.console = False
        register_commands(self.tree, self.service)
        if discord_config.guild_id:
            guild = discord.Object(discord_config.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("event=commands_synced count=%d guild=%s", len(synced), discord_config.guild_id)
        self._service_task = asyncio.create_task(self.service.run(stop=self._stop), name="sitewatch")

    async def close(self) -> None:
        self._stop.set()
        if self._service_task is not None:
            try:
                await asyncio.wait_for(self._service_task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                self._service_task.cancel()
        await super().close()


def silence_voice_warnings() -> None:
    """The bot never joins voice: discord.py's start-up warnings about missing voice libraries are noise."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def build_client(service: ChatHost, **options: Any) -> SiteWatchClient:
    config = service.config
    configure_endpoints(config.discord.effective_api_base, config.discord.effective_gateway_url)
    silence_voice_warnings()
    service.console = False
    return SiteWatchClient(service, **options)


async def wait_for_gateway(store: Store, holder: str, stop: asyncio.Event, *,
                           lease_seconds: float = GATEWAY_LEASE_SECONDS) -> bool:
    """Take the gateway lease, waiting while another live process holds it: True once held, False when
    stopped first. Said once, in one line, while waiting."""
    said = False
    while not stop.is_set():
        other = await asyncio.to_thread(store.take_lease, GATEWAY_LEASE, holder, lease_seconds=lease_seconds)
        if other is None:
            log.info("event=gateway_lease_taken holder=%s", holder)
            return True
        if not said:
            log.warning("event=gateway_waiting holder=%s reason=another SiteWatch process holds the Discord "
                        "gateway; this one takes over if that one stops renewing its lease", other)
            said = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=min(GATEWAY_WAIT_SECONDS, lease_seconds / 3))
    return False


async def keep_gateway(store: Store, holder: str, on_lost: asyncio.Event, *,
                       lease_seconds: float = GATEWAY_LEASE_SECONDS) -> None:
    """Renew the gateway lease every third of it; if another process took it (this one stalled past the
    lease), set on_lost: two clients on one token would answer every command twice."""
    while True:
        await asyncio.sleep(lease_seconds / 3)
        try:
            other = await asyncio.to_thread(store.take_lease, GATEWAY_LEASE, holder, lease_seconds=lease_seconds)
        except Exception:  # the store is away for a moment: try again at the next renewal
            log.exception("event=gateway_lease_renewal_failed")
            continue
        if other is not None:
            log.error("event=gateway_lease_lost holder=%s", other)
            on_lost.set()
            return


@contextlib.contextmanager
def discord_trouble_in_one_line() -> Iterator[None]:
    """A refused token or an unreachable Discord is one line (SiteWatchError), not a traceback."""
    try:
        yield
    except discord.LoginFailure as error:
        raise SiteWatchError("Discord refused DISCORD_TOKEN (401 Unauthorized): copy the bot token again from "
                             "the developer portal (Bot, Reset Token)") from error
    except (aiohttp.ClientError, OSError) as error:
        raise SiteWatchError(f"cannot reach Discord ({type(error).__name__}: {error})") from error


async def run_discord(service: ChatHost, token: str, *, stop_on_signals: Callable[[], asyncio.Event]) -> int:
    """Wait for the gateway lease, then run until SIGTERM or SIGINT (Docker stops with SIGTERM; the caller's
    stop_on_signals makes the event they set), then close the client, which stops the service and its fetcher;
    the caller closes the store. A refused token or an unreachable Discord is one line (SiteWatchError), not a
    traceback."""
    config, store = service.config, service.store
    client = build_client(service)
    holder = service.worker
    stop = stop_on_signals()
    if not await wait_for_gateway(store, holder, stop):
        log.info("event=stopped mode=discord reason=stopped while waiting for the gateway")
        return 0
    lost = asyncio.Event()
    keeping = asyncio.create_task(keep_gateway(store, holder, lost))
    closing = asyncio.create_task(_close_when(client, stop, lost))
    log.info("event=start mode=discord role=%s sites=%d feeds=%d guild=%s", client.service.role,
             len(config.sites), len(config.feeds), config.discord.guild_id)
    try:
        with discord_trouble_in_one_line():
            async with client:
                await client.start(token)
    finally:
        keeping.cancel()
        if stop.is_set() or lost.is_set():
            await closing  # the client's close stops the service first: let it finish
        else:
            closing.cancel()
        await asyncio.to_thread(store.drop_lease, GATEWAY_LEASE, holder)
    log.info("event=stopped mode=discord")
    return 1 if lost.is_set() else 0


async def _close_when(client: SiteWatchClient, stop: asyncio.Event, lost: asyncio.Event) -> None:
    waits = [asyncio.create_task(stop.wait()), asyncio.create_task(lost.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
    await client.close()


async def run_rest_delivery(service: ChatHost, token: str, *, stop_on_signals: Callable[[], asyncio.Event]) -> int:
    """--role delivery with a token: send the outbox through Discord's REST API, no gateway (the process
    holding it answers the commands). A refused token is one line."""
    config = service.config
    configure_endpoints(config.discord.effective_api_base, config.discord.effective_gateway_url)
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        with discord_trouble_in_one_line():
            me = await http.static_login(token)
            service.sink = DiscordSink(http, admin_channel_id=config.discord.admin_channel_id,
                                       bot_user_id=int(me["id"]))
            service.console = False
            log.info("event=start mode=discord-rest role=delivery worker=%s", service.worker)
            await service.run(stop=stop_on_signals())
    finally:
        await http.close()
    log.info("event=stopped mode=discord-rest")
    return 0
