"""Read models built from a service's own event store.

Each projection moves its checkpoint in the same transaction as its read-model changes, so a
crash replays nothing twice and skips nothing. A projection is disposable: `rebuild` empties
its tables and replays from position 0, giving the same read model."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Protocol

from sqlalchemy import Insert, Table, delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import BindParameter

from shared.contracts import Event, EventEnvelope, events
from shared.eventstore import EventStore, load_checkpoint
from shared.eventstore.database import UpdateByKey, insert_rows
from shared.eventstore.lag import lag
from shared.eventstore.schema import checkpoints
from shared.eventstore.schema import events as stored_events
from shared.eventstore.store import Position
from shared.eventstore.unit_of_work import save_checkpoints, stored_checkpoints
from shared.logging import get_logger
from shared.metrics import Metrics
from shared.retrying import poll_until_stopped

log = get_logger(__name__)

# Where a projection that never applied anything is.
START = Position(0, 0)


class Projection(Protocol):
    name: str
    tables: Sequence[Table]

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        """Changes the read model for one event; events it does not care about are ignored."""


class Projector:
    def __init__(
        self,
        store: EventStore,
        projections: Sequence[Projection],
        batch_size: int = 500,
        metrics: Metrics | None = None,
    ) -> None:
        self.store, self.projections, self.batch_size = store, list(projections), batch_size
        self.database = store.database
        self.metrics = metrics or Metrics()

    def projection(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        raise LookupError(f"no projection named {name!r}")

    async def catch_up(self) -> int:
        """Applies one batch to every projection; returns how many events were applied (to
        each projection: a batch applied to three counts three times). Projections at the same
        checkpoint (the usual case: they follow the same store) advance together: the batch is
        read, opened and decoded once, that and not applying being most of the work, and
        applied to them all in one transaction."""
        names = [_checkpoint(p.name) for p in self.projections]
        # Look before taking a write transaction: idle polls must not queue writers behind them.
        async with self.database.read() as conn:
            at = await stored_checkpoints(conn, names)
            behind: dict[Position, list[Projection]] = {}
            for projection, name in zip(self.projections, names, strict=True):
                behind.setdefault(at.get(name, START), []).append(projection)
            for after in list(behind):
                if not await self.store.read_all(conn, after, limit=1):
                    del behind[after]
        applied = 0
        for after, projections in behind.items():
            applied += (await self._advance(projections, after))[0]
        return applied

    async def run_until_caught_up(self) -> int:
        total = 0
        while applied := await self.catch_up():
            total += applied
        return total

    async def measure_lag(self) -> None:
        """Sets each projection's lag gauge; asked when metrics are read (see Relay)."""
        async with self.database.read() as conn:
            for projection in self.projections:
                behind = await lag(conn, _checkpoint(projection.name))
                self.metrics.projection_lag.labels(projection.name).set(behind)

    async def run(self, stop: asyncio.Event, idle_wait: float) -> None:
        wake = self.store.watch()
        await poll_until_stopped(self.catch_up, stop, idle_wait, "projection", wake=wake)

    async def rebuild(self, name: str) -> int:
        projection = self.projection(name)
        async with self.database.begin() as conn:
            for table in reversed(projection.tables):
                await conn.execute(delete(table))
            await conn.execute(delete(checkpoints).where(checkpoints.c.name == _checkpoint(name)))
        total, after = 0, START
        while True:
            applied, after = await self._advance([projection], after)
            if not applied:
                break
            total += applied
        log.info("projection.rebuilt", projection=name, events=total)
        return total

    async def _advance(
        self, projections: Sequence[Projection], after: Position
    ) -> tuple[int, Position]:
        """Applies the batch after `after` to those of `projections` still there once their
        checkpoints are locked (a replica may have moved one meanwhile), in one transaction:
        one projection failing holds the others back with it until it is mended. Returns how
        many events were applied and where the checkpoints of those it advanced are now."""
        names = sorted(_checkpoint(p.name) for p in projections)
        async with self.database.begin() as conn:
            if self.database.is_postgres:
                # One advancer per projection at a time (replicas, a rebuild beside the service),
                # locked in name order: two advancers of overlapping sets never deadlock.
                await conn.execute(
                    text(
                        "SELECT pg_advisory_xact_lock(hashtext(name)) "
                        "FROM unnest(CAST(:names AS text[])) AS name"
                    ),
                    {"names": names},
                )
            at = await stored_checkpoints(conn, names)
            here = [p for p in projections if at.get(_checkpoint(p.name), START) == after]
            if not here:
                return 0, after
            batch = await self._read(conn, after)
            if not batch.decoded:
                return 0, after
            writes = HeldWrites(conn)
            for projection in here:
                for envelope, event in batch.decoded:
                    await projection.apply(writes, envelope, event)
            await writes.flush()
            await save_checkpoints(conn, [_checkpoint(p.name) for p in here], at, batch.last)
        return len(batch.decoded) * len(here), batch.last

    async def _read(self, conn: AsyncConnection, after: Position) -> _Batch:
        recorded = await self.store.read_all(conn, after, limit=self.batch_size)
        opened = await self.store.open(conn, [r.envelope for r in recorded])
        return _Batch(
            [(envelope, events.decode(envelope)) for envelope in opened],
            recorded[-1].position if recorded else after,
        )


@dataclass(frozen=True)
class _Batch:
    """Events after a checkpoint, opened and decoded, and the position of the last."""

    decoded: list[tuple[EventEnvelope, Event]]
    last: Position


class ProjectionBehind(Exception):
    """An event of this service's own, taken from its topic, needs a projection that has not
    applied it yet (the projector and the topic follow the store apart): the event is taken
    again a moment later (shared.messaging.consumer)."""


async def has_applied(conn: AsyncConnection, name: str, event_id: str) -> bool:
    """Whether projection `name` has applied the stored event `event_id`, and so every event
    before it. An event this store does not hold is not waited for: nothing would bring it."""
    stored = (
        await conn.execute(
            select(stored_events.c.transaction_id, stored_events.c.position).where(
                stored_events.c.event_id == event_id
            )
        )
    ).first()
    if stored is None:
        return True
    return tuple(await load_checkpoint(conn, _checkpoint(name))) >= tuple(stored)


class HeldWrites:
    """The connection a projection applies a batch through: a write whose rows are all
    parameters is held and written with the ones after it at once (a rebuild is mostly
    inserts, a payment run mostly marks: one round trip for many rows instead of one each).
    Held are an INSERT with its rows as parameters, the cheap way to write, or with
    `.values(...)` of one row, written at once (`insert_rows`); an upsert (`insert_on_conflict`)
    with its rows as parameters, which runs as one executemany with the same statement object
    after it; and an `UpdateByKey` with its rows, one statement for the rows of the same one.

    Held writes go out table by table, each table's in the order they came: read models have
    no foreign keys or triggers between their tables, so only a table's own order can change
    what it holds, and a batch interleaving two tables' writes (a payment, then its items
    marked paid) still makes one write per table. Anything else the projection does
    first writes what is held, so it reads what it wrote."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.held: list[tuple[Insert | UpdateByKey, dict[str, Any]]] = []

    @property
    def dialect(self) -> Any:
        return self.conn.dialect

    async def execute(self, statement: Any, *args: Any, **options: Any) -> Any:
        held = None if options else _held(statement, args)
        if held is None:
            await self.flush()
            return await self.conn.execute(statement, *args, **options)
        written, rows = held
        self.held += [(written, row) for row in rows]
        return None

    async def scalar(self, statement: Any, *args: Any, **options: Any) -> Any:
        await self.flush()
        return await self.conn.scalar(statement, *args, **options)

    async def scalars(self, statement: Any, *args: Any, **options: Any) -> Any:
        await self.flush()
        return await self.conn.scalars(statement, *args, **options)

    async def flush(self) -> None:
        held, self.held = self.held, []
        tables: dict[Table, list[tuple[Insert | UpdateByKey, dict[str, Any]]]] = {}
        for write in held:
            tables.setdefault(write[0].table, []).append(write)
        for writes in tables.values():
            for _, run in groupby(writes, key=lambda h: (_runs_with(h[0]), tuple(h[1]))):
                statements, rows = zip(*run, strict=True)
                if isinstance(statements[0], UpdateByKey):
                    await self.conn.execute(*statements[0].bound(self.conn, rows))
                elif _upsert(statements[0]):
                    # Rows of two events may name the same key, which one upsert cannot.
                    await self.conn.execute(statements[0], list(rows))
                else:
                    await self.conn.execute(*insert_rows(self.conn, statements[0], rows))


def _upsert(statement: Insert) -> bool:
    return getattr(statement, "_post_values_clause", None) is not None


def _held(statement: Any, args: tuple) -> tuple[Insert | UpdateByKey, list[dict[str, Any]]] | None:
    """The statement to write and the rows of a write whose values are all parameters (no
    RETURNING, nothing computed in SQL from another table): an INSERT, an upsert or an
    `UpdateByKey` with its rows, or an INSERT of one row's `.values()`; None for any other
    statement. SQLAlchemy keeps `.values()` in `_values`: stable since 1.4, and checked here,
    not assumed."""
    if isinstance(statement, UpdateByKey):
        (rows,) = args
        return statement, [rows] if isinstance(rows, dict) else list(rows)
    if not isinstance(statement, Insert) or statement._returning or statement._multi_values:
        return None
    values = statement._values
    if args:
        parameters = args[0] if len(args) == 1 else None
        if values or not isinstance(parameters, dict | list):
            return None
        rows = [parameters] if isinstance(parameters, dict) else list(parameters)
        return statement, rows
    if _upsert(statement):
        return None
    if not values or not all(isinstance(value, BindParameter) for value in values.values()):
        return None
    return insert(statement.table), [
        {getattr(key, "key", key): value.value for key, value in values.items()}
    ]


def _runs_with(statement: Insert | UpdateByKey) -> Any:
    """What may be written together: plain inserts into one table, or one statement object
    (an upsert, an `UpdateByKey`)."""
    if isinstance(statement, Insert) and getattr(statement, "_post_values_clause", None) is None:
        return statement.table
    return statement


def _checkpoint(name: str) -> str:
    return f"projection:{name}"
