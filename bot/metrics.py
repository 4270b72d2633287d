"""Prometheus metrics: polls, errors, alerts and outbox depth. Served only when `metrics_port` is set."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.polls = Counter("sitewatch_feed_polls", "Feed polls by outcome", ["status"], registry=self.registry)
        self.poll_errors = Counter("sitewatch_feed_errors", "Failed feed polls", registry=self.registry)
        self.stories = Counter("sitewatch_stories", "Feed entries processed", registry=self.registry)
        self.alerts = Counter("sitewatch_alerts", "Alerts queued by action", ["action"], registry=self.registry)
        self.delivered = Counter("sitewatch_alerts_delivered", "Incidents delivered", registry=self.registry)
        self.delivery_failures = Counter("sitewatch_delivery_failures", "Deliveries deferred",
                                         registry=self.registry)
        self.outbox_depth = Gauge("sitewatch_outbox_depth", "Alerts waiting to be sent", registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)


async def serve_metrics(metrics: Metrics, port: int, refresh: Callable[[], None]) -> web.AppRunner:
    """Serve /metrics on 127.0.0.1:port; `refresh` updates gauges read from the store at scrape time."""

    async def handle(_: web.Request) -> web.Response:
        refresh()
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/metrics", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner
