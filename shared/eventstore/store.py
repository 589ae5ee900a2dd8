"""Append to and read from the event store.

Global order. Readers (the relay, projections) follow the store by a checkpoint, so an event
that becomes visible *behind* a checkpoint would be skipped for ever. On PostgreSQL positions
come from a sequence and transactions commit in any order, so a plain `position > checkpoint`
is not safe. Each row therefore carries the id of the transaction that wrote it, readers go in
(transaction id, position) order and only read events of transactions older than every
transaction still running (`pg_snapshot_xmin`): nothing can appear before what they have read.
On SQLite writers are serialised by its write lock, positions are commit-ordered and the
transaction id is always 0.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    and_,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Actor, Event, EventEnvelope
from shared.eventstore.database import Database, one_of
from shared.eventstore.schema import events, snapshots
from shared.keys import KeyEncryptionKey
from shared.privacy.envelopes import opened, sealed_payloads

if TYPE_CHECKING:
    from shared.reference import Federation

_COMMITTED_HORIZON = literal_column("(pg_snapshot_xmin(pg_current_snapshot())::text::bigint)")


class WrongExpectedVersion(Exception):
    """A concurrent writer appended to the stream first; nothing was written."""

    def __init__(self, stream_id: str, expected: int | None, actual: int | None) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {actual}, the append expected {expected}"
        )
        self.stream_id, self.expected, self.actual = stream_id, expected, actual


class DuplicateEvent(Exception):
    """Some, not all, of the events of an append are already stored."""


class Position(NamedTuple):
    transaction_id: int
    position: int


class Snapshot(NamedTuple):
    """An aggregate's state at `version` of its stream, in the shape `schema` names."""

    stream_id: str
    version: int
    schema: int
    state: dict[str, Any]


START = Position(0, 0)


@dataclass(frozen=True)
class PendingEvent:
    """An event on its way into a stream. The id is chosen by the caller so that retrying the
    same work (a redelivered command, a timer fired again) appends nothing new."""

    event: Event
    event_id: str


@dataclass(frozen=True)
class Append:
    """Events for one stream, expected at a version (None: any)."""

    stream_id: str
    expected_version: int | None
    pending: Sequence[PendingEvent]


@dataclass(frozen=True)
class RecordedEvent:
    position: Position
    envelope: EventEnvelope


class EventStore:
    def __init__(
        self,
        database: Database,
        producer: str,
        kek: KeyEncryptionKey,
        federation: Federation | None = None,
    ) -> None:
        """`kek` wraps the data keys personal fields are sealed with (shared.privacy).
        `federation`: the one this deployment serves (ORG-1, ORG-2), which the service's
        decisions follow (its funds, its access policy, its mediator); the service's runtime
        loads it from its settings."""
        self.database = database
        self.producer = producer
        self.kek = kek
        self.federation = federation
        self._watchers: list[asyncio.Event] = []

    def watch(self) -> asyncio.Event:
        """An event set whenever a unit of work of this process commits: a reader (the relay,
        the projector) wakes at once instead of at its next poll. Writers elsewhere (another
        replica) are still found by polling."""
        watcher = asyncio.Event()
        self._watchers.append(watcher)
        return watcher

    def committed(self) -> None:
        for watcher in self._watchers:
            watcher.set()

    async def append(
        self,
        conn: AsyncConnection,
        stream_id: str,
        expected_version: int | None,
        pending: Sequence[PendingEvent],
        *,
        occurred_at: datetime,
        correlation_id: str,
        causation_id: str | None = None,
        actor: Actor | None = None,
    ) -> list[EventEnvelope]:
        """Appends within the caller's transaction. `expected_version` None means "any".
        Re-appending events that are all stored already changes nothing and returns []."""
        return await self.append_many(
            conn,
            [Append(stream_id, expected_version, pending)],
            occurred_at=occurred_at,
            correlation_id=correlation_id,
            causation_id=causation_id,
            actor=actor,
        )

    async def append_many(
        self,
        conn: AsyncConnection,
        appends: Sequence[Append],
        *,
        occurred_at: datetime,
        correlation_id: str,
        causation_id: str | None = None,
        actor: Actor | None = None,
    ) -> list[EventEnvelope]:
        """`append` to several streams at once (a batch's aggregates): their versions read, their
        events sealed and inserted together. Each stream is checked as `append` checks it."""
        appends = [a for a in appends if a.pending]
        if not appends:
            return []
        versions, already = await _versions_and_stored(
            conn, {a.stream_id for a in appends}, [p.event_id for a in appends for p in a.pending]
        )
        kept: list[Append] = []
        for a in appends:
            stored = sum(p.event_id in already for p in a.pending)
            if stored == len(a.pending):
                continue
            if stored:
                raise DuplicateEvent(f"{stored} of the {len(a.pending)} events are already stored")
            current = versions.get(a.stream_id, 0)
            if a.expected_version is not None and current != a.expected_version:
                raise WrongExpectedVersion(a.stream_id, a.expected_version, current)
            kept.append(a)
        if not kept:
            return []
        payloads = iter(
            await sealed_payloads(
                conn,
                self.kek,
                self.producer,
                [p.event for a in kept for p in a.pending],
                occurred_at,
            )
        )
        envelopes = [
            EventEnvelope(
                event_id=p.event_id,
                type=p.event.type_name,
                version=p.event.version,
                occurred_at=occurred_at,
                stream_id=a.stream_id,
                stream_version=versions.get(a.stream_id, 0) + n,
                correlation_id=correlation_id,
                causation_id=causation_id,
                producer=self.producer,
                actor=actor,
                payload=next(payloads),
            )
            for a in kept
            for n, p in enumerate(a.pending, start=1)
        ]
        # The rows from the envelopes' fields as they are: dumping each envelope would copy
        # its payload, tens of thousands of values for a batch's event, for nothing.
        actor_row = actor.model_dump() if actor else None
        try:
            await conn.execute(insert(events), [{**dict(e), "actor": actor_row} for e in envelopes])
        except IntegrityError as error:  # a concurrent writer took a version after ours read
            streams = ", ".join(a.stream_id for a in kept)
            raise WrongExpectedVersion(streams, kept[0].expected_version, None) from error
        return envelopes

    async def open(
        self, conn: AsyncConnection, envelopes: Sequence[EventEnvelope]
    ) -> list[EventEnvelope]:
        """`envelopes` as this service reads them: current version, personal fields opened
        with the keys it holds (shared.privacy.envelopes)."""
        return await opened(conn, self.kek, envelopes)

    async def read_stream(self, conn: AsyncConnection, stream_id: str) -> list[EventEnvelope]:
        """The stream as stored: sealed (the unit of work's `read_stream` opens it)."""
        rows = await conn.execute(
            select(events).where(events.c.stream_id == stream_id).order_by(events.c.stream_version)
        )
        return [_envelope(row) for row in rows]

    async def read_streams(
        self, conn: AsyncConnection, stream_ids: Iterable[str], after: Mapping[str, int] = {}
    ) -> dict[str, list[EventEnvelope]]:
        """Several streams as stored, in one query: each in order, from after its version in
        `after` (a snapshot's), an empty one empty."""
        found: dict[str, list[EventEnvelope]] = {s: [] for s in stream_ids}
        if not found:
            return found
        by_version: dict[int, list[str]] = defaultdict(list)
        for stream_id in found:
            by_version[after.get(stream_id, 0)].append(stream_id)
        rows = await conn.execute(
            select(events)
            .where(
                or_(
                    *(
                        and_(
                            one_of(conn, events.c.stream_id, ids), events.c.stream_version > version
                        )
                        for version, ids in by_version.items()
                    )
                )
            )
            .order_by(events.c.stream_id, events.c.stream_version)
        )
        for row in rows:
            found[row.stream_id].append(_envelope(row))
        return found

    async def snapshots(
        self, conn: AsyncConnection, stream_ids: Iterable[str], schema: int
    ) -> dict[str, tuple[int, dict[str, Any]]]:
        """(version, state) of the streams that have a snapshot of this schema."""
        rows = await conn.execute(
            select(snapshots.c.stream_id, snapshots.c.version, snapshots.c.state).where(
                one_of(conn, snapshots.c.stream_id, stream_ids), snapshots.c.schema == schema
            )
        )
        return {row.stream_id: (row.version, row.state) for row in rows}

    async def keep_snapshots(self, conn: AsyncConnection, kept: Sequence[Snapshot]) -> None:
        """Each stream's snapshot replaced by the one given: two statements for them all."""
        if not kept:
            return
        streams = [k.stream_id for k in kept]
        await conn.execute(delete(snapshots).where(one_of(conn, snapshots.c.stream_id, streams)))
        await conn.execute(insert(snapshots), [k._asdict() for k in kept])

    async def stream_version(self, conn: AsyncConnection, stream_id: str) -> int:
        return (await conn.execute(select(_version_of(stream_id)))).scalar_one()

    async def read_all(
        self,
        conn: AsyncConnection,
        after: Position = START,
        limit: int = 1000,
        *,
        settled: bool = True,
    ) -> list[RecordedEvent]:
        """Events after `after` in global order, never one that could still be overtaken: on
        PostgreSQL none newer than the oldest transaction still open in the cluster. A witness
        that only looks (a test, an operator) asks `settled=False` for every committed event;
        a reader that keeps a position must not, or it could skip one committed later."""
        order = tuple_(events.c.transaction_id, events.c.position)
        query = select(events).where(order > tuple_(*after)).order_by(*order.clauses).limit(limit)
        if self.database.is_postgres and settled:
            query = query.where(events.c.transaction_id < _COMMITTED_HORIZON)
        rows = await conn.execute(query)
        return [
            RecordedEvent(Position(row.transaction_id, row.position), _envelope(row))
            for row in rows
        ]


async def _versions_and_stored(
    conn: AsyncConnection, stream_ids: set[str], event_ids: list[str]
) -> tuple[dict[str, int], set[str]]:
    """The version of each of these streams that has events, and which of these event ids are
    stored already: one round trip, as every command's append makes it."""
    versions = (
        select(events.c.stream_id, func.max(events.c.stream_version), null())
        .where(one_of(conn, events.c.stream_id, stream_ids))
        .group_by(events.c.stream_id)
    )
    stored = select(null(), null(), events.c.event_id).where(
        one_of(conn, events.c.event_id, event_ids)
    )
    found: dict[str, int] = {}
    already: set[str] = set()
    for stream_id, version, event_id in await conn.execute(union_all(versions, stored)):
        if event_id is None:
            found[stream_id] = version
        else:
            already.add(event_id)
    return found, already


def _version_of(stream_id: str):
    return (
        select(func.coalesce(func.max(events.c.stream_version), 0))
        .where(events.c.stream_id == stream_id)
        .scalar_subquery()
    )


def _envelope(row) -> EventEnvelope:
    return EventEnvelope(
        event_id=row.event_id,
        type=row.type,
        version=row.version,
        occurred_at=row.occurred_at,
        stream_id=row.stream_id,
        stream_version=row.stream_version,
        correlation_id=row.correlation_id,
        causation_id=row.causation_id,
        producer=row.producer,
        actor=row.actor,
        payload=row.payload,
    )
