"""Figure 3: events/s of `Projector.rebuild("complaints")` over N ComplaintRegistered events,
against raw executemany of the same read-model rows into the same table, in transactions of
the projector's batch size. The baseline only writes: it neither reads nor decodes events."""

from __future__ import annotations

import inspect
import time
import uuid
from datetime import timedelta

import asyncpg

from bench.appends import analyze, sqlite_connection
from bench.infra import Backends, Sizes, plain_url, sqlite_path
from bench.report import Baseline, Figure
from bench.rows import BENCH_KEK, OCCURRED_AT, PRODUCER, STREAM_LENGTH, Row, fill
from services.complaints.app import definition
from services.complaints.read_model import ComplaintsProjection
from shared.contracts.complaints import ComplaintRegistered
from shared.eventstore import EventStore, connect
from shared.eventstore.store import START
from shared.projections import Projector

# The projector commits a transaction per batch; the baseline does too.
BATCH = inspect.signature(Projector).parameters["batch_size"].default

COLUMNS = (
    "file_number",
    "complaint_id",
    "status",
    "complainant_name",
    "complainant_email",
    "member_number",
    "language",
    "channel",
    "subject",
    "description",
    "reference",
    "received_at",
    "registered_at",
)


def complaint(n: int) -> ComplaintRegistered:
    return ComplaintRegistered(
        complaint_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-complaint:{n}")),
        file_number=f"2026-{n + 1:06d}",
        complainant_name=f"Lid {n}",
        complainant_email=f"lid{n}@example.be",
        member_number=f"{n:011d}",
        language="nl",
        channel="portal",
        subject="Terugbetaling kinesitherapie",
        description="De terugbetaling van mijn sessies kinesitherapie werd geweigerd.",
        received_at=OCCURRED_AT - timedelta(days=n % 30),
    )


def complaint_rows(first: int, count: int) -> list[Row]:
    """ComplaintRegistered events; stored STREAM_LENGTH to a stream to keep the set-up short
    (the projection does not look at streams)."""
    return [
        Row(
            str(uuid.uuid4()),
            f"complaints-bench-{n // STREAM_LENGTH}",
            n % STREAM_LENGTH + 1,
            complaint(n),
        )
        for n in range(first, first + count)
    ]


async def figures(backends: Backends, backend: str, sizes: Sizes) -> list[Figure]:
    warmup, rows = complaint_rows(0, 500), complaint_rows(500, sizes.rebuild)
    async with backends.database_url(backend) as url:
        database = connect(url)
        await database.migrate(*definition.migrations)
        store = EventStore(database, producer=PRODUCER, kek=BENCH_KEK)
        projector = Projector(store, [ComplaintsProjection()])
        try:
            await fill(store, warmup)
            await projector.rebuild("complaints")  # warm-up
            await fill(store, rows)
            await analyze(url)  # as autovacuum would have, in a running system
            started = time.perf_counter()
            applied = await projector.rebuild("complaints")
            ours = applied / (time.perf_counter() - started)
            assert applied == len(warmup) + len(rows), applied
            async with database.read() as conn:  # the rows the raw baseline writes
                stored = await store.read_all(conn, START, limit=applied)
                recorded = await store.open(conn, [r.envelope for r in stored])
        finally:
            await database.dispose()

    read_model = [_read_model_row(envelope) for envelope in recorded]
    async with backends.database_url(backend) as url:
        database = connect(url)
        await database.migrate(*definition.migrations)
        await database.dispose()
        if backend == "sqlite":
            raw, name = _raw_sqlite(sqlite_path(url), read_model), "raw sqlite3 executemany"
        else:
            raw, name = await _raw_asyncpg(plain_url(url), read_model), "raw asyncpg executemany"
    return [
        Figure(
            "3",
            f"rebuild complaints, {applied:,} events",
            backend,
            "events/s",
            ours,
            [Baseline(name, raw)],
        ),
    ]


def _read_model_row(envelope) -> tuple:
    """The row ComplaintsProjection writes for the event."""
    event = ComplaintRegistered.model_validate(envelope.payload)
    values = event.model_dump() | {"status": "registered", "registered_at": envelope.occurred_at}
    return tuple(values[c] for c in COLUMNS)


def _chunks(rows: list, size: int = BATCH):
    return (rows[i : i + size] for i in range(0, len(rows), size))


def _raw_sqlite(path: str, rows: list[tuple]) -> float:
    insert = (
        f"INSERT INTO complaints ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    )
    # sqlite3 stores datetimes as text.
    rows = [(*r[:-2], r[-2].isoformat(), r[-1].isoformat()) for r in rows]
    conn = sqlite_connection(path)
    try:

        def write(batch: list[tuple]) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(insert, batch)
            conn.execute("COMMIT")

        write(rows[:BATCH])  # warm-up
        conn.execute("DELETE FROM complaints")
        started = time.perf_counter()
        for batch in _chunks(rows):
            write(batch)
        return len(rows) / (time.perf_counter() - started)
    finally:
        conn.close()


async def _raw_asyncpg(url: str, rows: list[tuple]) -> float:
    insert = (
        f"INSERT INTO complaints ({', '.join(COLUMNS)})"
        f" VALUES ({', '.join(f'${n}' for n in range(1, len(COLUMNS) + 1))})"
    )
    conn = await asyncpg.connect(url)
    try:

        async def write(batch: list[tuple]) -> None:
            async with conn.transaction():
                await conn.executemany(insert, batch)

        await write(rows[:BATCH])  # warm-up
        await conn.execute("DELETE FROM complaints")
        started = time.perf_counter()
        for batch in _chunks(rows):
            await write(batch)
        return len(rows) / (time.perf_counter() - started)
    finally:
        await conn.close()
