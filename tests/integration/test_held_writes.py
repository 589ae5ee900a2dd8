"""Issue 9, item 10: a projection's batch is applied through `HeldWrites`, which writes runs of
plain inserts (and of one upsert or `UpdateByKey`: issue 11, item 10) at once, table by
table. What the projection reads, and every other statement, still sees all it wrote
before, each table's writes in order, on both backends."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    event,
    func,
    insert,
    select,
    update,
)

from shared.eventstore import connect
from shared.eventstore.database import UpdateByKey, insert_on_conflict
from shared.projections import HeldWrites

metadata = MetaData()
notes = Table(
    "held_notes", metadata, Column("k", Integer, primary_key=True), Column("v", String(10))
)
marks = Table(
    "held_marks", metadata, Column("k", Integer, primary_key=True), Column("note", Integer)
)


async def test_issue9_10_held_inserts_are_written_before_anything_else_in_order(database_url):
    database = connect(database_url)
    try:
        async with database.begin() as conn:
            await conn.run_sync(metadata.create_all)
            held = HeldWrites(conn)
            await held.execute(insert(notes), {"k": 1, "v": "a"})
            await held.execute(insert(notes).values(k=2, v="b"))
            await held.execute(insert(notes), [{"k": 3, "v": "c"}, {"k": 4, "v": "d"}])
            assert len(held.held) == 4  # nothing written yet
            seen = await held.scalar(select(func.count()).select_from(notes))
            await held.execute(insert(notes), {"k": 5, "v": "e"})
            await held.execute(update(notes).where(notes.c.k == 5).values(v="E"))
            returned = await held.execute(insert(notes).returning(notes.c.k), {"k": 6, "v": "f"})
            await held.flush()
            rows = (await conn.execute(select(notes.c.k, notes.c.v).order_by(notes.c.k))).all()
    finally:
        await database.dispose()

    assert seen == 4 and returned.scalar_one() == 6
    assert [tuple(row) for row in rows] == [
        (1, "a"),
        (2, "b"),
        (3, "c"),
        (4, "d"),
        (5, "E"),
        (6, "f"),
    ]


async def test_issue11_10_held_upserts_of_one_statement_run_together_and_keep_their_order(
    database_url,
):
    database = connect(database_url)
    try:
        async with database.begin() as conn:
            await conn.run_sync(metadata.create_all)
            held = HeldWrites(conn)
            upsert = insert_on_conflict(held)(notes)
            upsert = upsert.on_conflict_do_update(
                index_elements=[notes.c.k], set_={"v": upsert.excluded.v}
            )
            await held.execute(upsert, {"k": 1, "v": "a"})
            await held.execute(upsert, {"k": 2, "v": "b"})
            await held.execute(upsert, {"k": 1, "v": "A"})  # the same key again, later
            await held.execute(insert(notes), {"k": 3, "v": "c"})
            await held.execute(upsert, [{"k": 3, "v": "C"}, {"k": 2, "v": "B"}])
            assert [s is upsert for s, _ in held.held] == [True, True, True, False, True, True]
            rows = (await held.execute(select(notes.c.k, notes.c.v).order_by(notes.c.k))).all()
    finally:
        await database.dispose()

    assert [tuple(row) for row in rows] == [(1, "A"), (2, "B"), (3, "C")]


async def test_issue11_10_held_updates_run_together_per_table_each_table_in_order(database_url):
    database = connect(database_url)
    executed: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        executed.append(statement.split()[0])

    try:
        async with database.begin() as conn:
            await conn.run_sync(metadata.create_all)
            event.listen(conn.sync_connection, "before_cursor_execute", count)
            held = HeldWrites(conn)
            mark = UpdateByKey(notes.c.k)
            await held.execute(insert(notes), [{"k": 1, "v": "new"}, {"k": 2, "v": "new"}])
            # A payment and its items marked, say: the two tables' writes interleave.
            for k in (1, 2):
                await held.execute(insert(marks), {"k": k, "note": k})
                await held.execute(mark, [{"k": k, "v": "marked"}])
            await held.execute(mark, {"k": 1, "v": "again"})  # later in its table: last
            assert len(held.held) == 7 and not executed
            await held.flush()
            written = list(executed)
            rows = (await conn.execute(select(notes.c.k, notes.c.v).order_by(notes.c.k))).all()
            marked = await conn.scalar(select(func.count()).select_from(marks))
    finally:
        await database.dispose()

    # One write per table and statement: the notes' inserts, their marks, the marks' inserts.
    assert written == ["INSERT", "UPDATE", "INSERT"]
    assert [tuple(row) for row in rows] == [(1, "again"), (2, "marked")]
    assert marked == 2
