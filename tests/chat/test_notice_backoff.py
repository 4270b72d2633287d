"""The admins' notices through a Discord outage: put back, and tried again after 5 s, 10 s, 20 s ... up to 5
minutes, not at every delivery tick (every 3 s)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.chat.delivery import ConsoleSink, DeliveryUnavailable, NoticeBackoff, deliver_notices
from tests.conftest import make_store

START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


class FlakySink(ConsoleSink):
    """Unavailable for the first `down` announcements it is asked for; records every one it is asked for."""

    def __init__(self, down: int) -> None:
        super().__init__(write=lambda text: None)
        self.down = down
        self.asked: list[str] = []
        self.posted: list[str] = []

    async def announce(self, text: str) -> None:
        self.asked.append(text)
        if len(self.asked) <= self.down:
            raise DeliveryUnavailable("503 from Discord")
        self.posted.append(text)


def test_a_notice_is_retried_with_a_doubling_delay_and_posted_once_when_discord_is_back() -> None:
    store = make_store()
    store.queue_notice("Feed https://a.example/rss has failed for 24 hours", START)
    sink, backoff = FlakySink(down=3), NoticeBackoff()

    def tick(seconds: float) -> int:
        return asyncio.run(deliver_notices(store, sink, now=START + timedelta(seconds=seconds), backoff=backoff))

    # Delivery ticks every 3 s for a minute: a failure at 0 s waits 5 s, then 10 s, then 20 s.
    tried_at, posted = [], 0
    for seconds in range(0, 60, 3):
        asked = len(sink.asked)
        posted += tick(seconds)
        if len(sink.asked) > asked:
            tried_at.append(seconds)
    assert tried_at == [0, 6, 18, 39]
    assert posted == 1 and sink.posted == ["Feed https://a.example/rss has failed for 24 hours"]
    assert store.take_notices(START + timedelta(minutes=5)) == []  # posted once, not waiting again
    assert backoff.ready(START) and backoff.failures == 0
    store.close()


def test_the_delay_stops_doubling_at_five_minutes() -> None:
    backoff = NoticeBackoff()
    delays = [backoff.failed(START) for _ in range(10)]
    assert delays[:4] == [5.0, 10.0, 20.0, 40.0] and max(delays) == 300.0 and delays[-1] == 300.0
    assert not backoff.ready(START + timedelta(seconds=299)) and backoff.ready(START + timedelta(seconds=300))


async def test_a_delivering_service_waits_out_the_backoff_between_its_ticks() -> None:
    from bot.config import parse_config
    from bot.service import Service
    from tests.test_service import config_for

    now = [START]
    sink = FlakySink(down=100)
    service = Service(parse_config(config_for()), make_store(), sink, console=True, clock=lambda: now[0])
    service.store.queue_notice("Feed https://a.example/rss has failed for 24 hours", START)
    for _ in range(10):  # ten delivery ticks, 3 s apart: tries at 0 s, 6 s and 18 s only, not ten
        await service.deliver_once()
        now[0] += timedelta(seconds=3)
    assert len(sink.asked) == 3
    service.store.close()
