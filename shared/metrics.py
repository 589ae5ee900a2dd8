"""What a service process tells Prometheus at `/metrics`.

Each runtime has a registry of its own, not prometheus_client's global one: several services
run in one test process, and each must count only what it did. The relay, projections, timers,
command bus and consumers are handed the `Metrics` of their runtime; the domain never sees it.
Kafka traffic per topic is counted by faststream's own middleware on the same registry
(shared.messaging.broker)."""

from __future__ import annotations

import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        self.http_requests = Histogram(
            "mutualis_http_request_duration_seconds",
            "HTTP requests by method, route template and status, with their latency",
            ["method", "route", "status"],
            registry=registry,
        )
        # Lags are in store positions (shared.eventstore.lag), set when metrics are read.
        self.relay_lag = Gauge(
            "mutualis_relay_lag_events",
            "Store head minus the last position the relay published to Kafka",
            registry=registry,
        )
        self.projection_lag = Gauge(
            "mutualis_projection_lag_events",
            "Store head minus the projection's checkpoint",
            ["projection"],
            registry=registry,
        )
        self.timers_due = Gauge(
            "mutualis_timers_due",
            "Scheduled timers whose due time has come and that have not fired yet",
            registry=registry,
        )
        self.timers_overdue = Gauge(
            "mutualis_timers_overdue",
            "Timers still unfired a minute after they fell due: the scheduler is behind or "
            "their handler keeps failing",
            registry=registry,
        )
        self.commands = Counter(
            "mutualis_commands",
            "Commands handled, by type and outcome (accepted or rejected)",
            ["type", "outcome"],
            registry=registry,
        )
        # Not faststream's count of received messages: a batch's records are counted there
        # under the topic of its first one.
        self.consumed = Counter(
            "mutualis_consumed_messages",
            "Kafka records taken, by the topic they were read from",
            ["topic"],
            registry=registry,
        )
        self.redeliveries = Counter(
            "mutualis_redeliveries",
            "Messages handed back to be delivered again after a transient failure, by the topic "
            "they were read from and the failure (KeyNotShared: a data key not shared yet)",
            ["topic", "reason"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "mutualis_dead_letters",
            "Messages sent to a dead-letter topic, by the topic they were read from",
            ["topic"],
            registry=registry,
        )

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format (CONTENT_TYPE)."""
        return generate_latest(self.registry)


class TimedRequests:
    """ASGI middleware that times every HTTP request. The route is the template the request
    matched (`/complaints/{file_number}`), never the path: a series per file number would
    grow without end, and a path can carry personal data."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self.app, self.histogram = app, histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = 500  # unless a response starts: an error escaped every handler

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            # The router puts the route it matched into the scope it was given.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.histogram.labels(scope["method"], route, str(status)).observe(
                time.perf_counter() - started
            )
