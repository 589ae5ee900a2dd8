"""Issue 11, item 10: `insert_rows` writes a batch's rows with one statement on PostgreSQL (one
array per field) and one executemany on SQLite; the rows read back the same either way, of
every kind of field the services write, an upsert's rows too, and a field no array carries
(JSON) still goes in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    event,
    insert,
    select,
)

from shared.eventstore import connect
from shared.eventstore.database import insert_on_conflict, insert_rows
from shared.eventstore.schema import UtcDateTime

metadata = MetaData()
lines = Table(
    "rows_lines",
    metadata,
    Column("item_id", String(40), primary_key=True),
    Column("year", Integer, nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("day", Date, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("held", Boolean, nullable=False),
    Column("provider", String(80)),
)
documents = Table(
    "rows_documents", metadata, Column("k", Integer, primary_key=True), Column("body", JSON)
)

ROWS = [
    {
        "item_id": f"reimbursement:{n}",
        "year": 2026,
        "amount": Decimal("21.55") * n,
        "day": date(2026, 3, n),
        "at": datetime(2026, 3, n, 7, 30, tzinfo=UTC),
        "held": n % 2 == 0,
        "provider": None if n == 2 else f"Dr. Peeters {n}",
    }
    for n in (1, 2, 3)
]


async def test_issue11_10_rows_of_every_kind_go_in_with_one_statement(database_url):
    database = connect(database_url)
    executed: list[tuple[str, bool]] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        executed.append((statement.split()[0], executemany))

    try:
        async with database.begin() as conn:
            await conn.run_sync(metadata.create_all)
            event.listen(conn.sync_connection, "before_cursor_execute", count)
            await conn.execute(*insert_rows(conn, insert(lines), ROWS))
            upsert = insert_on_conflict(conn)(lines)
            added = upsert.on_conflict_do_update(
                index_elements=[lines.c.item_id],
                set_={"amount": lines.c.amount + upsert.excluded.amount},
            )
            more = [ROWS[0] | {"amount": Decimal("0.45")}, ROWS[2] | {"amount": Decimal("1")}]
            await conn.execute(*insert_rows(conn, added, more))
            await conn.execute(
                *insert_rows(
                    conn, insert(documents), [{"k": 1, "body": {"a": [1]}}, {"k": 2, "body": None}]
                )
            )
            stored = [dict(row._mapping) for row in await conn.execute(select(lines))]
            bodies = (await conn.execute(select(documents.c.body).order_by("k"))).scalars().all()
    finally:
        await database.dispose()

    expected = {row["item_id"]: dict(row) for row in ROWS}
    expected["reimbursement:1"]["amount"] = Decimal("22.00")
    expected["reimbursement:3"]["amount"] = Decimal("65.65")
    assert {row["item_id"]: row for row in stored} == expected
    assert bodies == [{"a": [1]}, None]
    postgres = database_url.startswith("postgresql")
    # PostgreSQL: one statement for each batch of simple fields; SQLite: an executemany each.
    assert executed[:2] == [("INSERT", not postgres), ("INSERT", not postgres)]
    assert executed[2] == ("INSERT", True)  # JSON: an executemany on both
