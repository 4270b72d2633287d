"""What the chat layer needs from the process that runs it (bot.service.Service fills it). Chat is handed
this, so it never imports bot.service (which imports chat) nor bot.feeds (a /feeds add probe comes in here)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.chat.delivery import AlertSink
from bot.config import Config
from bot.matcher.sites import Gazetteer
from bot.store.base import Store


class ChatHost(Protocol):
    """The running service, as the Discord client and the slash commands use it."""

    config: Config
    store: Store
    sink: AlertSink  # the client swaps in its Discord sink once connected
    console: bool
    role: str
    worker: str  # who holds a lease: the gateway's too
    started_at: datetime
    gazetteer: Gazetteer
    clock: Callable[[], datetime]

    def reload_sites(self) -> None:
        """Read the tracked sites again after /track changed them."""

    async def run(self, *, stop: asyncio.Event) -> object:
        """Poll and deliver, as the role says, until stop is set."""

    async def check_feed_url(self, url: str) -> None:
        """Raise unless the URL may be fetched (the config's allow_private_feeds decides)."""

    async def fetch_feed_bytes(self, url: str) -> bytes:
        """The whole body of a feed, fetched once as a poll fetches it (/feeds add reads it before adding)."""
