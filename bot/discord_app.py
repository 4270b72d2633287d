"""The discord.py client: connects, syncs the slash commands, and runs the service's polling and delivery
inside its event loop with a Discord sink."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import Config
from bot.delivery import ConsoleSink
from bot.discord_sink import DiscordSink
from bot.errors import SiteWatchError
from bot.service import Service, run_service
from bot.store.base import Store

log = logging.getLogger("sitewatch.discord")


def configure_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py at a Discord API proxy (or the tests' local server). Both are class attributes of
    discord.py: REST calls, webhooks and interaction replies use Route.BASE; a plain Client dials
    DEFAULT_GATEWAY and never asks /gateway/bot."""
    if api_base:
        Route.BASE = api_base.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class SiteWatchClient(discord.Client):
    def __init__(self, service: Service, **options: Any) -> None:
        # Slash commands and guild events only: no privileged intents (message content, members) needed.
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none(),
                         **options)
        self.service = service
        self.tree = app_commands.CommandTree(self)
        self._service_task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def setup_hook(self) -> None:
        from bot.discord_commands import register_commands

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
        self._service_task = asyncio.create_task(run_service(self.service, stop=self._stop), name="sitewatch")

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


def build_client(config: Config, store: Store, **options: Any) -> SiteWatchClient:
    configure_endpoints(config.discord.effective_api_base, config.discord.effective_gateway_url)
    silence_voice_warnings()
    service = Service(config, store, ConsoleSink(), console=False)
    return SiteWatchClient(service, **options)


async def run_discord(config: Config, store: Store, token: str) -> int:
    """Run until SIGTERM or SIGINT (Docker stops with SIGTERM), then close the client, which stops the
    service and its fetcher; the caller closes the store. A refused token or an unreachable Discord is one
    line (SiteWatchError), not a traceback."""
    client = build_client(config, store)
    closing: list[asyncio.Task[None]] = []

    def on_signal(signum: signal.Signals) -> None:
        log.info("event=stopping signal=%s", signum.name)
        if not closing:
            closing.append(asyncio.create_task(client.close()))

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal, signum)
    log.info("event=start mode=discord sites=%d feeds=%d guild=%s", len(config.sites), len(config.feeds),
             config.discord.guild_id)
    try:
        async with client:
            await client.start(token)
    except discord.LoginFailure as error:
        raise SiteWatchError("Discord refused DISCORD_TOKEN (401 Unauthorized): copy the bot token again from "
                             "the developer portal (Bot, Reset Token)") from error
    except (aiohttp.ClientError, OSError) as error:
        raise SiteWatchError(f"cannot reach Discord ({type(error).__name__}: {error})") from error
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    if closing:
        await closing[0]
    log.info("event=stopped mode=discord")
    return 0
