"""Wiring of one service process, in one place: database, store, broker, relay, projections,
timers, command bus and HTTP API, opened on startup and closed on shutdown."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import groupby
from typing import Any, Literal

from aiokafka import ConsumerRecord
from fastapi import APIRouter, FastAPI, Response
from faststream.kafka import KafkaBroker
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from shared.clock import Clock, ShiftedClock, SystemClock
from shared.contracts import Command
from shared.eventstore import EventStore, connect, unit_of_work
from shared.eventstore.database import Migrations
from shared.http import HardenedAPI
from shared.keys import KekSettings
from shared.logging import configure_logging, get_logger
from shared.messaging.asyncapi import document as asyncapi_document
from shared.messaging.broker import make_broker
from shared.messaging.cluster import ClusterWatch
from shared.messaging.commands import CommandBus, Handler
from shared.messaging.consumer import (
    Provenance,
    RecordsHandler,
    Subscription,
    event_consumer,
    key_consumer,
    keys_first,
    subscribe,
)
from shared.messaging.relay import Relay
from shared.messaging.topics import (
    command_keys_topic,
    commands_topic,
    ensure_topics,
    events_topic,
    keys_topic,
    outcomes_topic,
    service_topics,
)
from shared.metrics import CONTENT_TYPE, Metrics, TimedRequests
from shared.privacy import command_keys
from shared.privacy.keys import check_kek
from shared.privacy.sharing import SharingKeys, shared_categories
from shared.projections import Projection, Projector
from shared.reference import load_federation
from shared.settings import ServiceSettings
from shared.timers import Scheduler, TimerHandler
from shared.trust import load_credential, load_root

log = get_logger(__name__)


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    command_handlers: Mapping[type[Command], Handler] = field(default_factory=dict)
    projections: Callable[[], Sequence[Projection]] = lambda: ()
    timer_handlers: Mapping[str, TimerHandler] = field(default_factory=dict)
    subscriptions: Sequence[Subscription] = ()
    migrations: Sequence[Migrations] = ()
    # Runs once the database is migrated, before the service takes work.
    on_start: Callable[[Runtime], Awaitable[None]] | None = None
    routers: Sequence[Callable[[Runtime], APIRouter]] = ()
    # What the service builds once from its own settings (its keys, its limits), for its
    # routes and start-up to find as `runtime.wiring`; built with the runtime, so a setting
    # missing or wrong stops the service before it takes any work.
    wiring: Callable[[Runtime], object] = lambda _runtime: None


class Runtime:
    """Everything one service process runs; tests build it with their own settings and clock."""

    def __init__(
        self, definition: ServiceDefinition, settings: ServiceSettings, clock: Clock | None = None
    ) -> None:
        self.definition, self.settings = definition, settings
        self.clock = clock or SystemClock()
        kafka = settings.kafka
        self.database = connect(settings.database_url)
        # No KEK or an unknown federation stops the service here, before it takes work.
        self.store = EventStore(
            self.database,
            producer=definition.name,
            kek=KekSettings().key_encryption_key(),
            federation=load_federation(settings.federation),
        )
        self.metrics = Metrics()
        self.broker: KafkaBroker = make_broker(
            kafka, client_id=definition.name, registry=self.metrics.registry
        )
        # Fails fast: a service that cannot prove what it writes, or check what it reads,
        # must not run.
        self.provenance = Provenance(load_root(settings.trust_folder), kafka)
        # The keys of the personal data it shares, and of what it may read of others'.
        self.sharing = SharingKeys.load(definition.name, settings.trust_folder)
        shares = shared_categories(definition.name)
        # A service that takes commands publishes the keys they are sealed with, and rotates
        # them daily (shared.privacy.command_keys).
        takes_commands = bool(definition.command_handlers)
        self.relay = Relay(
            self.store,
            self.broker,
            events_topic(kafka, definition.name),
            load_credential(settings.trust_folder, definition.name),
            metrics=self.metrics,
            sharing=(self.sharing, keys_topic(kafka, definition.name)) if shares else None,
            command_keys_topic=(
                command_keys_topic(kafka, definition.name) if takes_commands else None
            ),
        )
        self.projector = Projector(self.store, definition.projections(), metrics=self.metrics)
        timer_handlers = dict(definition.timer_handlers)
        if takes_commands:
            timer_handlers[command_keys.ROTATION] = command_keys.on_rotation_timer
        self.scheduler = Scheduler(self.store, self.clock, timer_handlers, metrics=self.metrics)
        self.bus = CommandBus(
            self.store,
            self.clock,
            definition.command_handlers,
            commands_topic(kafka, definition.name),
            outcomes_topic(kafka, definition.name),
            metrics=self.metrics,
        )
        self.cluster = ClusterWatch(kafka, self._join, kafka.cluster_check_interval_s)
        self.wiring = definition.wiring(self)
        self._started = False
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._subscribe()

    def _subscribe(self) -> None:
        """One consumer group per service, one subscriber for everything it reads (each group
        join costs seconds on the local broker); each message goes to every subscription that
        reads its topic, e.g. identity's events both to the access projection and to a
        subscription to every stream."""
        kafka, name = self.settings.kafka, self.definition.name
        routes: dict[str, list[RecordsHandler]] = {}
        every_stream: list[RecordsHandler] = []
        if self.definition.command_handlers:
            routes[commands_topic(kafka, name)] = [self.bus.handle_records]
        key_topics: set[str] = set()
        for owner in self._key_owners():
            keys = key_consumer(self.store, self.clock, self.sharing, self.provenance)
            key_topics.add(keys_topic(kafka, owner))
            routes[keys_topic(kafka, owner)] = [keys]
        entitled = frozenset(self.sharing.readable)
        for sub in self.definition.subscriptions:
            handle = event_consumer(
                self.store, self.clock, sub.name, sub.apply, self.provenance, entitled
            )
            if sub.services == "*":
                every_stream.append(handle)
            else:
                for service in sub.services:
                    routes.setdefault(events_topic(kafka, service), []).append(handle)
        if not (routes or every_stream):
            return
        any_events = rf"{re.escape(kafka.namespace)}[a-z]+\.events"

        async def route(records: Sequence[ConsumerRecord]) -> None:
            # Runs of records of one topic (one partition after another), keys first.
            for topic, run in groupby(keys_first(records, key_topics), key=lambda r: r.topic):
                handlers = routes.get(topic, [])
                if every_stream and re.fullmatch(any_events, topic):
                    handlers = [*handlers, *every_stream]
                # Each subscription claims an event under its own name: redelivered after a
                # failure half-way, it is applied again only by those that had not committed.
                run = list(run)
                for handle in handlers:
                    await handle(run)

        group = kafka.topic(name)
        if every_stream:
            # A Kafka consumer subscribes to topic names or to one pattern, never both.
            topics = "|".join([any_events, *map(re.escape, routes)])
            subscribe(
                self.broker,
                kafka,
                route,
                pattern=rf"^(?:{topics})$",
                group_id=group,
                metrics=self.metrics,
            )
        else:
            subscribe(self.broker, kafka, route, *routes, group_id=group, metrics=self.metrics)

    async def start(self, background: bool = True) -> None:
        await self.database.migrate(*self.definition.migrations)
        async with self.database.read() as conn:
            await check_kek(conn, self.store.kek)
            await command_keys.check_kek(conn, self.store.kek, self.definition.name)
        if self.definition.command_handlers:
            await self._rotate_command_keys()
        if self.definition.on_start:
            await self.definition.on_start(self)
        cluster = await self.cluster.cluster_id()
        await self._join(cluster)
        self.cluster.current = cluster
        await self.broker.start()
        self._started = True
        if background:
            idle = self.settings.poll_interval_s
            self._tasks = [
                asyncio.create_task(self.relay.run(self._stop, idle), name="relay"),
                asyncio.create_task(self.projector.run(self._stop, idle), name="projections"),
                asyncio.create_task(self.scheduler.run(self._stop, idle), name="timers"),
                asyncio.create_task(self.cluster.run(self._stop), name="cluster"),
            ]
        log.info("service.started", service=self.definition.name, cluster=cluster)

    async def _rotate_command_keys(self) -> None:
        """Today's and tomorrow's command keys before any sender looks for them, and the daily
        timer that makes the next ones; replicas starting together may race for the timer's
        row: the one that lost finds it there when it tries again."""
        for attempt in range(2):
            try:
                async with unit_of_work(self.store, self.clock) as uow:
                    await command_keys.rotate(uow)
                    await uow.commit()
                return
            except IntegrityError:
                if attempt:
                    raise

    def _topics(self) -> list[str]:
        kafka, name = self.settings.kafka, self.definition.name
        # Only a service that handles commands writes events (and answers) of its own.
        needed = service_topics(kafka, name) if self.definition.command_handlers else []
        for sub in self.definition.subscriptions:
            if sub.services != "*":
                needed += [events_topic(kafka, s) for s in sub.services]
        return needed + [keys_topic(kafka, owner) for owner in self._key_owners()]

    def _key_owners(self) -> list[str]:
        """The services whose keys this one keeps: those it may read some personal data of."""
        return sorted({owner for owner, _ in self.sharing.readable})

    async def _join(self, cluster_id: str) -> None:
        """Works with the cluster `cluster_id`: its topics are created first (a producer must
        never create one, with whatever partitions the broker picks), then the relay publishes
        there whatever it has not published there yet; a running service also rejoins its
        consumer group there, which has no positions yet and so reads from the beginning."""
        async with self.relay.lock:
            await ensure_topics(self.settings.kafka, self._topics())
            self.relay.follow(cluster_id)
            if self._started:
                # A fresh producer and consumers: the old ones keep metadata and positions of
                # the cluster that is gone.
                await self._stop_broker()
                await self.broker.start()

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.cluster.close()
        await self._stop_broker()
        await self.database.dispose()
        log.info("service.stopped", service=self.definition.name)

    async def _stop_broker(self) -> None:
        try:
            # Leaving a group in the middle of a rebalance can wait for ever; Kafka copes with
            # a member that just goes (its session times out).
            await asyncio.wait_for(self.broker.stop(), 15)
        except TimeoutError:
            log.warning("service.broker_stop_timed_out")


class Health(BaseModel):
    status: Literal["ok"]
    service: str


def build_app(runtime: Runtime) -> FastAPI:
    """The HTTP API of a runtime that someone else starts and stops (tests, `create_app`)."""
    definition, settings = runtime.definition, runtime.settings
    app = HardenedAPI(
        title=f"mutualis {definition.name}",
        api_docs=settings.serves_api_docs,
        max_body_size=settings.max_request_bytes,
    )
    app.state.runtime = runtime
    app.add_middleware(TimedRequests, histogram=runtime.metrics.http_requests)

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> Health:
        return Health(status="ok", service=definition.name)

    # Without a token, as Prometheus scrapes: a deployment keeps it on the internal network
    # (deploy/prometheus/prometheus.yml), never behind the public entry to the API.
    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        # Lags and timers are measured now, not when their loop last ran: a stuck relay must
        # not look caught up.
        await runtime.relay.measure_lag()
        await runtime.projector.measure_lag()
        await runtime.scheduler.measure()
        return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE)

    if settings.serves_api_docs:  # the Kafka side's documents, with the HTTP side's
        made = cache(partial(asyncapi_document, definition, settings.kafka))

        @app.get("/asyncapi", tags=["operations"])
        async def asyncapi() -> dict[str, Any]:
            """This service's AsyncAPI 3.0 document: the commands it takes, the events it
            publishes and reads (shared.messaging.asyncapi)."""
            return made()

    for router in definition.routers:
        app.include_router(router(runtime))
    return app


def create_app(
    definition: ServiceDefinition, settings: ServiceSettings, clock: Clock | None = None
) -> FastAPI:
    """The HTTP API of a service process, which starts and stops the runtime with it."""
    runtime = Runtime(definition, settings, clock)
    app = build_app(runtime)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app.router.lifespan_context = lifespan
    return app


def serve(definition: ServiceDefinition) -> None:
    """Entry point of a service process: settings from the environment, logs as JSON."""
    import uvicorn

    settings = ServiceSettings.for_service(definition.name)
    configure_logging(definition.name, settings.log_level)
    clock = ShiftedClock(settings.clock_file) if settings.clock_file else SystemClock()
    app = create_app(definition, settings, clock)
    collect_less_garbage()
    # Which proxy's X-Forwarded-For to believe is the service's own setting (identity's rate
    # limits), not uvicorn's default trust in whatever runs on the loopback.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )


# A batch of certificates makes tens of thousands of objects that live until it is written: at
# CPython's default of 700 new objects the collector ran every few hundred of them, and each
# older generation's run went through the whole heap again.
YOUNG_OBJECTS_BEFORE_COLLECTING = 20_000


def collect_less_garbage() -> None:
    """Once a service process is built (modules, models, tables, its runtime), what exists
    lives as long as the process: the cycle collector no longer goes through it (gc.freeze),
    and runs after more new objects. In a 20,000-certificate payments bench the service spent
    2.4 s of the import's and the run's 15 s of CPU in the collector; with this, under 0.5."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTING, *gc.get_threshold()[1:])
