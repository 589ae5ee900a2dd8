"""Figure 1: appends per second, ours against eventsourcing's recorders and raw executemany.

Every contender gets a fresh database and goes through the same steps: it writes the same
history (untimed), the database is ANALYZEd (as autovacuum would have done in a running
system; PostgreSQL plans made while a table is empty would otherwise stay cached on pooled
connections), it warms up on transactions of its own, then the clock runs while it writes
the same rows. Each is handed its natural input, built before the clock starts: ours pydantic
events (it serialises them itself), eventsourcing `StoredEvent`s with the payload bytes, the
raw inserts tuples of the same column values."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from urllib.parse import urlsplit

import asyncpg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteConnectionPool, SQLiteDatastore

from bench.infra import Backends, Sizes, plain_url, sqlite_path
from bench.report import Baseline, Figure
from bench.rows import BENCH_KEK, PRODUCER, Transaction, transactions
from shared.clock import SystemClock
from shared.eventstore import EventStore, PendingEvent, connect, unit_of_work

CASES = [  # section, label, writers, transactions per writer (a Sizes field), events per txn
    ("1a", "append, 1 event/txn, 1 writer", 1, "single", 1),
    ("1b", "append, 1 event/txn, 4 writers", 4, "concurrent", 1),
    ("1c", "append, 100 events/txn, 1 writer", 1, "batches", 100),
]


@dataclass(frozen=True)
class Workload:
    history: list[Transaction]  # written first, then ANALYZE
    warmup: list[Transaction]
    writers: list[list[Transaction]]  # timed: one list per concurrent writer


async def figures(backends: Backends, backend: str, sizes: Sizes) -> list[Figure]:
    raw = (
        ("raw sqlite3 executemany", raw_sqlite)
        if backend == "sqlite"
        else ("raw asyncpg executemany", raw_asyncpg)
    )
    contenders = [(f"eventsourcing {version('eventsourcing')}", eventsourcing_recorder), raw]
    history = transactions("history", sizes.history // 100, 100)
    result = []
    for section, label, writers, size_field, per_txn in CASES:
        count = getattr(sizes, size_field)
        work = Workload(
            history,
            transactions("warm", max(10, sizes.warmup // per_txn), per_txn),
            [transactions(f"w{w}", count, per_txn) for w in range(writers)],
        )
        events = writers * count * per_txn
        async with backends.database_url(backend) as url:
            ours = events / await our_store(url, work)
        baselines = []
        for name, contender in contenders:
            async with backends.database_url(backend) as url:
                baselines.append(Baseline(name, events / await contender(url, work)))
        result.append(Figure(section, label, backend, "events/s", ours, baselines))
    result.append(await _sealing(backends, backend, sizes, history))
    return result


async def _sealing(backends: Backends, backend: str, sizes: Sizes, history) -> Figure:
    """What sealing personal fields costs: the same appends with two fields of each event
    sealed under its person's key (made with the person's first event), against none."""
    rates = []
    for personal in (True, False):
        work = Workload(
            history,
            transactions("warm", max(10, sizes.warmup), 1, personal),
            [transactions("w0", sizes.single, 1, personal)],
        )
        async with backends.database_url(backend) as url:
            rates.append(sizes.single / await our_store(url, work))
    sealed, plain = rates
    label = "append, 1 event/txn, 2 fields sealed"
    return Figure(
        "1d", label, backend, "events/s", sealed, [Baseline("ours, nothing sealed", plain)]
    )


async def analyze(url: str) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(sqlite_path(url)) as conn:
            conn.execute("ANALYZE")
    else:
        conn = await asyncpg.connect(plain_url(url))
        try:
            await conn.execute("ANALYZE")
        finally:
            await conn.close()


async def our_store(url: str, work: Workload) -> float:
    database = connect(url)
    await database.migrate()
    store, clock = EventStore(database, producer=PRODUCER, kek=BENCH_KEK), SystemClock()
    inputs = lambda txns: [[PendingEvent(r.event, r.event_id) for r in txn] for txn in txns]  # noqa: E731

    async def write(txns: list[Transaction], pending: list[list[PendingEvent]]) -> None:
        for txn, events in zip(txns, pending):
            first = txn[0]
            async with unit_of_work(store, clock) as uow:
                await uow.append(
                    first.stream_id, first.stream_version - 1, events, correlation_id=first.event_id
                )
                await uow.commit()

    try:
        await write(work.history, inputs(work.history))
        await analyze(url)
        await write(work.warmup, inputs(work.warmup))
        writers = [(txns, inputs(txns)) for txns in work.writers]
        started = time.perf_counter()
        await asyncio.gather(*(write(txns, pending) for txns, pending in writers))
        return time.perf_counter() - started
    finally:
        await database.dispose()


# eventsourcing's recorders are synchronous: several writers are several threads.


class _SameDurabilityPool(SQLiteConnectionPool):
    """eventsourcing leaves SQLite at synchronous=FULL; ours (and the raw baseline) run WAL with
    synchronous=NORMAL. Give it the same, so the comparison is of software, not of fsyncs."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
        return connection


def _recorder(url: str, writers: int):
    if url.startswith("sqlite"):
        datastore = SQLiteDatastore(sqlite_path(url), pool_size=writers + 1)
        datastore.pool = _SameDurabilityPool(db_name=sqlite_path(url), pool_size=writers + 1)
        recorder = SQLiteApplicationRecorder(datastore)
    else:
        parts = urlsplit(plain_url(url))
        datastore = PostgresDatastore(
            dbname=parts.path.lstrip("/"),
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or "",
            pool_size=writers,
        )
        recorder = PostgresApplicationRecorder(datastore)
    recorder.create_table()
    return datastore, recorder


async def eventsourcing_recorder(url: str, work: Workload) -> float:
    topic = "bench.rows:BenchEventRecorded"
    stored = lambda txns: [  # noqa: E731
        [
            StoredEvent(r.originator_id, r.stream_version, topic, r.payload_json.encode())
            for r in txn
        ]
        for txn in txns
    ]
    datastore, recorder = _recorder(url, len(work.writers))

    def write(txns: list[list[StoredEvent]]) -> None:
        for txn in txns:
            recorder.insert_events(txn)

    try:
        write(stored(work.history))
        await analyze(url)
        write(stored(work.warmup))
        inputs = [stored(txns) for txns in work.writers]
        with ThreadPoolExecutor(len(inputs)) as threads:
            started = time.perf_counter()
            list(threads.map(write, inputs))
            return time.perf_counter() - started
    finally:
        datastore.close()


# Raw inserts into a plain table with the columns of our events table (no secondary indexes).

RAW_INSERT = (
    "INSERT INTO raw_events (event_id, stream_id, stream_version, type, version, occurred_at,"
    " correlation_id, causation_id, producer, payload) VALUES ({})"
)
RAW_TABLE = (
    "CREATE TABLE raw_events (position {serial} PRIMARY KEY, event_id VARCHAR(36) NOT NULL,"
    " stream_id VARCHAR(200) NOT NULL, stream_version INTEGER NOT NULL,"
    " type VARCHAR(200) NOT NULL, version INTEGER NOT NULL, occurred_at {timestamp} NOT NULL,"
    " correlation_id VARCHAR(64) NOT NULL, causation_id VARCHAR(64),"
    " producer VARCHAR(64) NOT NULL, payload {json} NOT NULL)"
)


def sqlite_connection(path: str) -> sqlite3.Connection:
    """A plain sqlite3 connection with the pragmas our store's connections get."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _sqlite_values(row) -> tuple:
    values = list(row.raw_values())
    values[5] = values[5].isoformat()  # sqlite3 stores datetimes as text
    return tuple(values)


async def raw_sqlite(url: str, work: Workload) -> float:
    path = sqlite_path(url)
    insert = RAW_INSERT.format(",".join("?" * 10))
    values = lambda txns: [[_sqlite_values(r) for r in txn] for txn in txns]  # noqa: E731
    conns = [sqlite_connection(path) for _ in work.writers]
    conns[0].execute(RAW_TABLE.format(serial="INTEGER", timestamp="TEXT", json="TEXT"))

    def write(conn: sqlite3.Connection, txns: list[list[tuple]]) -> None:
        for rows in txns:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(insert, rows)
            conn.execute("COMMIT")

    try:
        write(conns[0], values(work.history))
        await analyze(url)
        write(conns[0], values(work.warmup))
        inputs = [values(txns) for txns in work.writers]
        with ThreadPoolExecutor(len(inputs)) as threads:
            started = time.perf_counter()
            list(threads.map(write, conns, inputs))
            return time.perf_counter() - started
    finally:
        for conn in conns:
            conn.close()


async def raw_asyncpg(url: str, work: Workload) -> float:
    insert = RAW_INSERT.format(",".join(f"${n}" for n in range(1, 11)))
    values = lambda txns: [[r.raw_values() for r in txn] for txn in txns]  # noqa: E731
    conns = [await asyncpg.connect(plain_url(url)) for _ in work.writers]
    await conns[0].execute(
        RAW_TABLE.format(serial="BIGSERIAL", timestamp="TIMESTAMPTZ", json="JSON")
    )

    async def write(conn: asyncpg.Connection, txns: list[list[tuple]]) -> None:
        for rows in txns:
            async with conn.transaction():
                await conn.executemany(insert, rows)

    try:
        await write(conns[0], values(work.history))
        await analyze(url)
        await write(conns[0], values(work.warmup))
        inputs = [values(txns) for txns in work.writers]
        started = time.perf_counter()
        await asyncio.gather(*(write(c, txns) for c, txns in zip(conns, inputs)))
        return time.perf_counter() - started
    finally:
        for conn in conns:
            await conn.close()
