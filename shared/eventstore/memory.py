"""The event store and unit of work in memory, for a handler's unit test (as cosmicpython's
FakeUnitOfWork): the same operations as the SQL ones (tests/integration/test_repository_contract
runs them all against both), nothing written anywhere, and no `conn`, so a handler that reaches
past the repository and its read-model adapters (`uow.view`) fails its unit test.

Work is done on a copy of the store and kept only when committed, as a transaction would be;
one unit of work at a time (a unit test's handler runs alone)."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from shared.clock import Clock
from shared.contracts import Actor, EventEnvelope
from shared.eventstore.store import (
    Append,
    DuplicateEvent,
    PendingEvent,
    Position,
    Snapshot,
    WrongExpectedVersion,
)
from shared.eventstore.unit_of_work import Timer
from shared.privacy.marking import CATEGORIES, Category
from shared.reference import Federation, load_federation
from shared.settings import ServiceSettings

P = TypeVar("P")


@dataclass
class State:
    streams: dict[str, list[EventEnvelope]] = field(default_factory=dict)
    log: list[EventEnvelope] = field(default_factory=list)  # every stream, in append order
    timers: dict[str, tuple[Timer, str]] = field(default_factory=dict)  # id → (timer, status)
    processed: set[tuple[str, str]] = field(default_factory=set)
    shredded: set[tuple[str, Category]] = field(default_factory=set)  # (subject, category)
    checkpoints: dict[str, Position] = field(default_factory=dict)
    snapshots: dict[str, tuple[int, int, dict[str, Any]]] = field(
        default_factory=dict
    )  # schema, version, state
    outbox: list[tuple[str, str | None, dict[str, Any], dict[str, str]]] = field(
        default_factory=list
    )


class InMemoryEventStore:
    def __init__(
        self,
        producer: str,
        views: dict[type, Any] | None = None,
        federation: Federation | None = None,
    ) -> None:
        """`views`: the fake of each read-model adapter the handlers under test ask for;
        `federation`: the one the deployment serves, the settings' default unless given."""
        self.producer, self.views = producer, views or {}
        self.federation = federation or load_federation(
            ServiceSettings.model_fields["federation"].default
        )
        self.state = State()

    def events(self, stream_id: str | None = None) -> list[EventEnvelope]:
        """What was committed, in one stream or in all (in the order appended)."""
        if stream_id is not None:
            return list(self.state.streams.get(stream_id, []))
        return list(self.state.log)

    def shredded(self) -> set[tuple[str, Category]]:
        """The keys committed work shredded, as (subject, category)."""
        return set(self.state.shredded)

    def timers(self, status: str = "scheduled") -> list[Timer]:
        return [timer for timer, now in self.state.timers.values() if now == status]

    @asynccontextmanager
    async def unit_of_work(self, clock: Clock) -> AsyncIterator[InMemoryUnitOfWork]:
        uow = InMemoryUnitOfWork(self, clock)
        yield uow  # not committed: dropped, like a rolled-back transaction


class InMemoryUnitOfWork:
    def __init__(self, store: InMemoryEventStore, clock: Clock) -> None:
        self.store, self.clock = store, clock
        # The fakes' tables are part of the transaction too: a refused command leaves them be.
        self._work, self._views = copy.deepcopy(store.state), copy.deepcopy(store.views)
        self.appended: list[EventEnvelope] = []

    @property
    def federation(self) -> Federation:
        return self.store.federation

    async def open(self, envelopes: Sequence[EventEnvelope]) -> list[EventEnvelope]:
        """Nothing is sealed in memory: events read as they were recorded."""
        return list(envelopes)

    def view(self, port: type[P]) -> P:
        """The read-model adapter `port`: here, the fake the test gave the store."""
        try:
            return self._views[port]
        except KeyError:
            raise LookupError(f"no fake {port.__name__} given to the in-memory store") from None

    async def append(
        self,
        stream_id: str,
        expected_version: int | None,
        pending: Sequence[PendingEvent],
        *,
        correlation_id: str,
        causation_id: str | None = None,
        actor: Actor | None = None,
    ) -> list[EventEnvelope]:
        if not pending:
            return []
        stream = self._work.streams.setdefault(stream_id, [])
        stored = {e.event_id for e in self._work.log}
        already = sum(p.event_id in stored for p in pending)
        if already:
            if already == len(pending):
                return []
            raise DuplicateEvent(f"{already} of the {len(pending)} events are already stored")
        if expected_version is not None and len(stream) != expected_version:
            raise WrongExpectedVersion(stream_id, expected_version, len(stream))
        recorded = [
            EventEnvelope(
                event_id=p.event_id,
                type=p.event.type_name,
                version=p.event.version,
                occurred_at=self.clock.now(),
                stream_id=stream_id,
                stream_version=len(stream) + n,
                correlation_id=correlation_id,
                causation_id=causation_id,
                producer=self.store.producer,
                actor=actor,
                # As the SQL store keeps it: JSON, so what is read back is what a replay sees.
                payload=json.loads(p.event.model_dump_json()),
            )
            for n, p in enumerate(pending, start=1)
        ]
        stream.extend(recorded)
        self._work.log.extend(recorded)
        self.appended.extend(recorded)
        return recorded

    async def read_stream(
        self, stream_id: str, only: Callable[[EventEnvelope], bool] | None = None
    ) -> list[EventEnvelope]:
        stored = self._work.streams.get(stream_id, [])
        return [e for e in stored if only is None or only(e)]

    async def append_many(
        self,
        appends: Sequence[Append],
        *,
        correlation_id: str,
        causation_id: str | None = None,
        actor: Actor | None = None,
    ) -> list[EventEnvelope]:
        recorded = []
        for a in appends:
            recorded += await self.append(
                a.stream_id,
                a.expected_version,
                a.pending,
                correlation_id=correlation_id,
                causation_id=causation_id,
                actor=actor,
            )
        return recorded

    async def read_streams(
        self, stream_ids: Iterable[str], after: Mapping[str, int] = {}
    ) -> dict[str, list[EventEnvelope]]:
        return {s: list(self._work.streams.get(s, []))[after.get(s, 0) :] for s in stream_ids}

    async def snapshots(
        self, stream_ids: Iterable[str], schema: int
    ) -> dict[str, tuple[int, dict[str, Any]]]:
        found = {}
        for stream_id in stream_ids:
            if (kept := self._work.snapshots.get(stream_id)) and kept[0] == schema:
                found[stream_id] = kept[1:]
        return found

    async def keep_snapshots(self, kept: Sequence[Snapshot]) -> None:
        for k in kept:
            self._work.snapshots[k.stream_id] = (
                k.schema,
                k.version,
                json.loads(json.dumps(k.state)),
            )

    async def stream_version(self, stream_id: str) -> int:
        return len(self._work.streams.get(stream_id, []))

    async def shred(self, subject: str, categories: Iterable[Category] | None = None) -> int:
        """Nothing is sealed in memory: the subject's keys (of `categories`, or all) are only
        noted as shredded."""
        shredded = CATEGORIES if categories is None else tuple(categories)
        self._work.shredded.update((subject, category) for category in shredded)
        return 0

    async def schedule(self, timer: Timer) -> None:
        self._work.timers.setdefault(timer.timer_id, (timer, "scheduled"))

    async def cancel_timer(self, timer_id: str) -> bool:
        return self._settle(timer_id, "cancelled")

    async def claim_timer(self, timer_id: str) -> bool:
        return self._settle(timer_id, "fired")

    def _settle(self, timer_id: str, status: str) -> bool:
        timer, now = self._work.timers.get(timer_id, (None, None))
        if now != "scheduled":
            return False
        self._work.timers[timer_id] = (timer, status)
        return True

    async def claim_message(self, consumer: str, message_id: str) -> bool:
        return bool(await self.claim_messages(consumer, [message_id]))

    async def claim_messages(self, consumer: str, message_ids: Sequence[str]) -> set[str]:
        claimed = {m for m in message_ids if (consumer, m) not in self._work.processed}
        self._work.processed.update((consumer, m) for m in claimed)
        return claimed

    async def save_checkpoint(self, name: str, position: Position) -> None:
        self._work.checkpoints[name] = position

    async def enqueue(
        self, topic: str, key: str | None, value: bytes, headers: dict[str, str]
    ) -> None:
        self._work.outbox.append((topic, key, value, headers))

    async def commit(self) -> None:
        self.store.state = self._work
        self._work = copy.deepcopy(self._work)
        for port, fake in self._views.items():  # into the test's own objects, which it reads
            vars(self.store.views[port]).update(vars(copy.deepcopy(fake)))
        self.appended = []
