"""Engines for SQLite (embedded default) and PostgreSQL, and the migrations that shape them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Executable,
    Insert,
    Integer,
    Numeric,
    String,
    Table,
    TypeDecorator,
    any_,
    bindparam,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.types import TypeEngine

from shared import jsoncodec
from shared.eventstore.migrate import STORE_MIGRATIONS, upgrade


@dataclass(frozen=True)
class Migrations:
    folder: Path
    version_table: str


STORE = Migrations(STORE_MIGRATIONS, "alembic_version_store")


@dataclass
class Database:
    engine: AsyncEngine

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def writer(self) -> AsyncIterator[AsyncConnection]:
        """A connection for writing. On SQLite its transactions take the write lock at once, so
        concurrent writers queue instead of failing when a read turns into a write; the writers
        of one process queue on an asyncio lock first, as SQLite's busy handler waits by
        sleeping with back-off and would throttle them."""
        async with self._write_lock:
            async with self._writer.connect() as conn:
                yield conn

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction, committed when the block ends without error."""
        async with self.writer() as conn:
            async with conn.begin():
                yield conn

    def read(self):
        """A read-only transaction."""
        return self.engine.begin()

    async def migrate(self, *extra: Migrations) -> None:
        for migrations in (STORE, *extra):
            async with self.engine.begin() as conn:
                if self.is_postgres:
                    # Replicas starting together migrate one after the other.
                    await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('migrations'))"))
                await conn.run_sync(upgrade, migrations.folder, migrations.version_table)

    async def dispose(self) -> None:
        await self.engine.dispose()

    def __post_init__(self) -> None:
        self._writer = self.engine.execution_options(mutualis_write=True)
        self._write_lock = asyncio.Lock() if not self.is_postgres else contextlib.nullcontext()


def insert_on_conflict(conn: AsyncConnection):
    """The connection's dialect's `insert`, the one with ON CONFLICT (PostgreSQL and SQLite
    spell it alike): an upsert in one statement, which two writers cannot both win."""
    return postgres_insert if conn.dialect.name == "postgresql" else sqlite_insert


def one_of(conn: AsyncConnection, column: ColumnElement, values: Iterable[Any]) -> ColumnElement:
    """`column IN (values)`, the values one parameter on PostgreSQL (`= ANY(array)`): a batch
    asks for hundreds of ids at once, and SQLAlchemy renders an IN list's values as a
    parameter each at every execution, which cost more than the query itself (and makes a
    statement of its own for each length). SQLite has no arrays: an IN list there.

    `= ANY` lets an index find each id. A join on `unnest` instead was planned as a hash join
    reading the whole table, a batch's cost growing with the table (measured at a million
    items). What `= ANY` risks instead: in a generic plan (asyncpg prepares statements) a
    parameter's array is not hashed, so where the plan scans a table of some thousand rows
    each row is tested against every id: ask for the ids that matter, not a whole batch's."""
    values = list(values)
    if conn.dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


@dataclass(frozen=True, eq=False)
class UpdateByKey:
    """Many rows of a table updated at once, each found by its `key` and given its own values
    (the row's other fields) besides the `values` every row gets, where `where` also holds.
    A key given twice is updated as the later row says.

    On PostgreSQL one statement joins the rows, passed as one array per field (`unnest`),
    where an executemany executes once per row (a payment run's 100,000 marks took about as
    long either way: the updates themselves are the cost). The key is also looked up with
    `= ANY`: without it the planner, which cannot know how many rows `unnest` gives, joins by
    reading the whole table (1.5 s for 20,000 items of a million, 0.7 s with it; measured
    with EXPLAIN ANALYZE). SQLite runs an executemany in process, without round trips."""

    key: Column
    values: Mapping[str, Any] = field(default_factory=dict)
    where: tuple[ColumnElement, ...] = ()

    @property
    def table(self) -> Table:
        return self.key.table

    def bound(
        self, conn: AsyncConnection, rows: Sequence[Mapping[str, Any]]
    ) -> tuple[Executable, Any]:
        """The statement and the parameters to execute it with that write `rows`."""
        by_key = {row[self.key.name]: row for row in rows}
        fields = list(next(iter(by_key.values())))
        given = [n for n in fields if n != self.key.name]
        if conn.dialect.name != "postgresql":
            statement = (
                update(self.table)
                .where(self.key == bindparam(f"by_{self.key.name}"), *self.where)
                .values(**self.values, **{n: bindparam(f"by_{n}") for n in given})
            )
            return statement, [{f"by_{n}": v for n, v in row.items()} for row in by_key.values()]
        joined, arrays = _unnested(self.table, list(by_key.values()))
        statement = (
            update(self.table)
            .where(
                self.key == joined.c[self.key.name],
                self.key == any_(arrays[self.key.name]),
                *self.where,
            )
            .values(**self.values, **{n: joined.c[n] for n in given})
        )
        return statement, {}


def insert_rows(
    conn: AsyncConnection, statement: Insert, rows: Sequence[Mapping[str, Any]]
) -> tuple[Executable, Any]:
    """The statement and the parameters to execute it with that insert `rows`, all with the
    same fields: `statement` is an `insert(table)`, or an upsert of `insert_on_conflict`
    whose rows name each key once.

    On PostgreSQL one statement selects the rows from one array per field (`unnest`), where
    an executemany makes PostgreSQL execute the statement once per row: 500 rows of eleven
    fields cost its backend 14 µs a row against 25 (measured, three indexes). Fields of a kind
    an array does not carry (JSON, bytes) go as an executemany, as they do on SQLite."""
    table = statement.table
    fields = list(rows[0]) if rows else []
    if conn.dialect.name != "postgresql" or not all(_in_array(table.c[n].type) for n in fields):
        return statement, list(rows)
    given, _ = _unnested(table, rows)
    return statement.from_select(fields, select(given)), {}


def _unnested(table: Table, rows: Sequence[Mapping[str, Any]]) -> tuple[Any, dict[str, Any]]:
    """The rows as a table `given` with the first row's fields, passed as one array parameter
    per field (`unnest`); and those parameters, by field."""
    fields = list(rows[0])
    arrays = {
        n: bindparam(f"given_{n}", [row[n] for row in rows], ARRAY(table.c[n].type)) for n in fields
    }
    return func.unnest(*arrays.values()).table_valued(*fields).render_derived(name="given"), arrays


def _in_array(kind: TypeEngine) -> bool:
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return isinstance(kind, String | Integer | Numeric | Date | DateTime | Boolean)


def connect(url: str, *, pool_size: int = 10, echo: bool = False) -> Database:
    # hide_parameters: an error's text never carries the row's values, which may be someone's
    # name or address (principle 7: no personal data in logs).
    codec = {"json_serializer": jsoncodec.dumps_text, "json_deserializer": jsoncodec.loads}
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, echo=echo, hide_parameters=True, connect_args={"timeout": 30}, **codec
        )
        _use_explicit_sqlite_transactions(engine)
    else:
        engine = create_async_engine(
            url,
            echo=echo,
            hide_parameters=True,
            pool_size=pool_size,
            max_overflow=pool_size,
            **codec,
        )
    return Database(engine)


def _use_explicit_sqlite_transactions(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling begins late and never IMMEDIATE; take it over, as
    # SQLAlchemy's documentation recommends, and choose the BEGIN per transaction.
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # An erased person's rows are deleted or overwritten in projections and indexes: their
        # bytes are zeroed in the file too, not left in free pages a copy of it would keep.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn):
        write = conn.get_execution_options().get("mutualis_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
