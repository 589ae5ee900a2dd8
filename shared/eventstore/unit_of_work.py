"""One database transaction in which a service records everything a piece of work causes:
events, timers, the messages it consumed, checkpoints and outgoing messages. It rolls back
unless committed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import Clock
from shared.contracts import Actor, EventEnvelope
from shared.eventstore.database import insert_on_conflict
from shared.eventstore.schema import checkpoints, outbox, processed_messages, timers
from shared.eventstore.store import Append, EventStore, PendingEvent, Position, Snapshot
from shared.privacy import keys
from shared.privacy.marking import Category

if TYPE_CHECKING:
    from shared.reference import Federation


@dataclass(frozen=True)
class Timer:
    """A durable timer: at `due_at`, do `kind`. Stored with the events that made it necessary."""

    timer_id: str
    kind: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    correlation_id: str = ""


P = TypeVar("P")


class UnitOfWork:
    def __init__(self, store: EventStore, clock: Clock, conn: AsyncConnection) -> None:
        self.store, self.clock, self.conn = store, clock, conn
        self.appended: list[EventEnvelope] = []
        self._committed = False
        # Whether this work leaves the relay or the projections something to do once
        # committed: events or keys to publish, a message in the outbox, a timer. Work that
        # only keeps a table (an event of another service applied to a projection) wakes
        # nobody: waking them costs several queries each, for every message consumed.
        self._news = False

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
        return await self.append_many(
            [Append(stream_id, expected_version, pending)],
            correlation_id=correlation_id,
            causation_id=causation_id,
            actor=actor,
        )

    async def append_many(
        self,
        appends: Sequence[Append],
        *,
        correlation_id: str,
        causation_id: str | None = None,
        actor: Actor | None = None,
    ) -> list[EventEnvelope]:
        recorded = await self.store.append_many(
            self.conn,
            appends,
            occurred_at=self.clock.now(),
            correlation_id=correlation_id,
            causation_id=causation_id,
            actor=actor,
        )
        self.appended.extend(recorded)
        self._news = self._news or bool(recorded)
        return recorded

    def view(self, port: type[P]) -> P:
        """The read-model adapter `port` (a class taking the connection) in this unit of work:
        the one way a handler reads or keeps a table besides its aggregates, which a handler's
        unit test replaces with a fake (shared.eventstore.memory)."""
        return port(self.conn)

    @property
    def federation(self) -> Federation:
        """The federation this deployment serves: the reference data its decisions follow."""
        if self.store.federation is None:
            raise LookupError(f"{self.store.producer}'s store was opened without its federation")
        return self.store.federation

    async def read_stream(
        self,
        stream_id: str,
        narrow: Callable[[EventEnvelope], EventEnvelope | None] | None = None,
    ) -> list[EventEnvelope]:
        """The stream, opened: what its aggregate is rebuilt from. `narrow`: each event as
        stored cut down to what is wanted, None for none of it, chosen by what it holds in
        clear (ids, amounts, dates) before anything is opened, so a stream of many persons'
        events opens no other person's data."""
        stored = await self.store.read_stream(self.conn, stream_id)
        if narrow is not None:
            stored = [kept for e in stored if (kept := narrow(e)) is not None]
        return await self.open(stored)

    async def read_streams(
        self, stream_ids: Iterable[str], after: Mapping[str, int] = {}
    ) -> dict[str, list[EventEnvelope]]:
        """Several streams, opened, read at once (a batch's aggregates), each from after its
        version in `after`."""
        stored = await self.store.read_streams(self.conn, stream_ids, after)
        opened = iter(await self.open([e for stream in stored.values() for e in stream]))
        return {s: [next(opened) for _ in stream] for s, stream in stored.items()}

    async def snapshots(
        self, stream_ids: Iterable[str], schema: int
    ) -> dict[str, tuple[int, dict[str, Any]]]:
        return await self.store.snapshots(self.conn, stream_ids, schema)

    async def keep_snapshots(self, kept: Sequence[Snapshot]) -> None:
        await self.store.keep_snapshots(self.conn, kept)

    async def open(self, envelopes: Sequence[EventEnvelope]) -> list[EventEnvelope]:
        """Events as this service reads them: personal fields opened where it holds the key."""
        return await self.store.open(self.conn, envelopes)

    async def stream_version(self, stream_id: str) -> int:
        return await self.store.stream_version(self.conn, stream_id)

    async def shred(self, subject: str, categories: Iterable[Category] | None = None) -> int:
        """Shreds the subject's data keys (shared.privacy.keys) in this unit of work, of
        `categories` only when given (a retention that ended, an erasure that keeps what the
        law keeps): what they sealed reads as erased from its commit on, here and, once
        shared, in other services."""
        self._news = True
        return await keys.DataKeys(self.conn, self.store.kek).shred(
            subject, self.clock.now(), categories
        )

    async def schedule(self, timer: Timer) -> None:
        """Schedules a timer; scheduling the same timer id again changes nothing."""
        exists = await self.conn.scalar(
            select(timers.c.timer_id).where(timers.c.timer_id == timer.timer_id)
        )
        if exists is None:
            await self.conn.execute(
                insert(timers).values(
                    timer_id=timer.timer_id,
                    kind=timer.kind,
                    due_at=timer.due_at,
                    payload=timer.payload,
                    correlation_id=timer.correlation_id,
                    status="scheduled",
                )
            )

    async def cancel_timer(self, timer_id: str) -> bool:
        """True if this cancelled it; False if it had already fired or been cancelled."""
        return await self._settle_timer(timer_id, "cancelled")

    async def claim_timer(self, timer_id: str) -> bool:
        """Marks a due timer fired; False if someone else fired or cancelled it first."""
        return await self._settle_timer(timer_id, "fired")

    async def _settle_timer(self, timer_id: str, status: str) -> bool:
        result = await self.conn.execute(
            update(timers)
            .where(timers.c.timer_id == timer_id, timers.c.status == "scheduled")
            .values(status=status, settled_at=self.clock.now())
        )
        return result.rowcount == 1

    async def claim_message(self, consumer: str, message_id: str) -> bool:
        """Records that `consumer` handled `message_id`; False if it already had."""
        return bool(await self.claim_messages(consumer, [message_id]))

    async def claim_messages(self, consumer: str, message_ids: Sequence[str]) -> set[str]:
        """Records that `consumer` handled these messages; returns those it had not handled
        before. One statement for a batch of messages, which a concurrent claim of one of
        them waits on and then finds taken; in the order of their ids, so that two replicas
        claiming overlapping batches (a rebalance) wait for each other, never deadlock."""
        if not message_ids:
            return set()
        now = self.clock.now()
        rows = [
            {"consumer": consumer, "message_id": m, "processed_at": now}
            for m in sorted(set(message_ids))
        ]
        claimed = await self.conn.scalars(
            insert_on_conflict(self.conn)(processed_messages)
            .values(rows)
            .on_conflict_do_nothing()
            .returning(processed_messages.c.message_id)
        )
        return set(claimed)

    async def save_checkpoint(self, name: str, position: Position) -> None:
        await save_checkpoint(self.conn, name, position)

    async def enqueue(
        self, topic: str, key: str | None, value: bytes, headers: dict[str, str]
    ) -> None:
        """An outgoing message, published by the relay once this unit of work commits."""
        self._news = True
        await self.conn.execute(
            insert(outbox).values(topic=topic, key=key, value=value, headers=headers)
        )

    async def commit(self) -> None:
        await self.conn.commit()
        self._committed = True
        if self._news:
            self.store.committed()


async def load_checkpoint(conn: AsyncConnection, name: str) -> Position:
    return (await stored_checkpoints(conn, [name])).get(name, Position(0, 0))


async def stored_checkpoints(conn: AsyncConnection, names: Sequence[str]) -> dict[str, Position]:
    """Where each named checkpoint is stored; one never saved (a projection that applied
    nothing yet) is missing."""
    rows = await conn.execute(
        select(checkpoints.c.name, checkpoints.c.transaction_id, checkpoints.c.position).where(
            checkpoints.c.name.in_(names)
        )
    )
    return {row.name: Position(row.transaction_id, row.position) for row in rows}


async def save_checkpoints(
    conn: AsyncConnection, names: Sequence[str], stored: dict[str, Position], position: Position
) -> None:
    """Moves the named checkpoints to `position`; `stored`: those saved before."""
    if kept := [name for name in names if name in stored]:
        await conn.execute(
            update(checkpoints)
            .where(checkpoints.c.name.in_(kept))
            .values(transaction_id=position.transaction_id, position=position.position)
        )
    if new := [name for name in names if name not in stored]:
        row = {"transaction_id": position.transaction_id, "position": position.position}
        await conn.execute(insert(checkpoints), [{"name": name, **row} for name in new])


@asynccontextmanager
async def unit_of_work(store: EventStore, clock: Clock) -> AsyncIterator[UnitOfWork]:
    async with store.database.writer() as conn:
        await conn.begin()
        uow = UnitOfWork(store, clock, conn)
        try:
            yield uow
        finally:
            if not uow._committed:
                await conn.rollback()


async def save_checkpoint(conn: AsyncConnection, name: str, position: Position) -> None:
    result = await conn.execute(
        update(checkpoints)
        .where(checkpoints.c.name == name)
        .values(transaction_id=position.transaction_id, position=position.position)
    )
    if result.rowcount == 0:
        await conn.execute(
            insert(checkpoints).values(
                name=name, transaction_id=position.transaction_id, position=position.position
            )
        )
