"""PAY-6, PAY-1, issue 11 item 10: a database from before the paid items moved beside the items
(payments_0007) keeps every item where it stood: what was due or held is still unpaid (and
still held), what was paid is paid by the same payment, and the history shows the same lines
with their payments and value dates. Both backends: SQLite recreates the tables it drops
columns from."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from services.payments.app import definition as payments_service
from services.payments.payables import Payables
from services.payments.read_model import history_lines
from shared.eventstore import connect
from shared.eventstore.database import STORE
from shared.eventstore.migrate import upgrade

DAY = date(2026, 11, 30)


async def test_pay6_pay1_issue11_10_items_paid_and_unpaid_stand_as_before_the_migration(
    database_url,
):
    database = connect(database_url)
    payments = payments_service.migrations[0]
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(upgrade, STORE.folder, STORE.version_table)
            await conn.run_sync(upgrade, payments.folder, payments.version_table, "payments_0006")
            for item_id, status, payment_id in (
                ("i-due", "due", None),
                ("i-held", "held", None),
                ("i-paid", "paid", "pay-1"),
            ):
                await conn.execute(
                    text(
                        "INSERT INTO payables (item_id, kind, person_id, booklet_id, amount, "
                        "payee, due_on, status, payment_id) VALUES (:i, 'reimbursement', 'p-1', "
                        "'b-1', 12.50, 'member', :d, :s, :p)"
                    ),
                    {"i": item_id, "d": DAY, "s": status, "p": payment_id},
                )
                await conn.execute(
                    text(
                        "INSERT INTO history (item_id, person_id, booklet_id, kind, day, amount, "
                        "paid_to, status, payment_id, value_date) VALUES (:i, 'p-1', 'b-1', "
                        "'reimbursement', :d, 12.50, 'member', :s, :p, :v)"
                    ),
                    {"i": item_id, "d": DAY, "s": status, "p": payment_id, "v": payment_id and DAY},
                )
            await conn.run_sync(upgrade, payments.folder, payments.version_table)

        async with database.begin() as conn:
            owed = Payables(conn)
            standing = {o.item_id: (o.status, o.payment_id) for o in await owed.owed_to("p-1")}
            assert standing == {
                "i-due": ("due", None),
                "i-held": ("held", None),
                "i-paid": ("paid", "pay-1"),
            }
            unpaid = await owed.payable(DAY, 10)
            assert [(i.item_id, i.held) for i in unpaid] == [("i-due", False), ("i-held", True)]
            lines = await conn.execute(
                select(
                    history_lines.c.item_id,
                    history_lines.c.status,
                    history_lines.c.payment_id,
                    history_lines.c.value_date,
                ).order_by(history_lines.c.item_id)
            )
            assert list(lines) == [
                ("i-due", "due", None, None),
                ("i-held", "held", None, None),
                ("i-paid", "paid", "pay-1", DAY),
            ]
    finally:
        await database.dispose()
