"""PAY-6, issue 11 item 10: a payment run's parts go down the unpaid items in the order they are
paid in, each part on from where the one before ended. Every unpaid item due is read by
exactly one part (one waiting for an account too: it may have come), none paid or not yet due,
and an item decided during the run behind where it has come waits for tomorrow's run. Both
backends: the place is a row comparison on the unpaid index's key."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert

from services.payments.domain.payment_run import Item
from services.payments.payables import Payables, metadata, payables, place
from shared.eventstore import connect

TODAY = date(2026, 12, 3)


def row(item_id: str, payee: str, booklet: str, status: str, due_on: date = TODAY) -> dict:
    return {
        "item_id": item_id,
        "kind": "reimbursement",
        "person_id": f"p-{booklet}",
        "booklet_id": booklet,
        "amount": Decimal("10.00"),
        "payee": payee,
        "due_on": due_on,
        "status": status,
    }


ROWS = [
    row("i-01", "member", "b-1", "due"),
    row("i-02", "member", "b-1", "paid"),
    row("i-03", "member", "b-2", "held"),
    row("i-04", "member", "b-2", "due", TODAY + timedelta(days=1)),  # not due yet
    row("i-05", "member", "b-3", "due"),
    row("i-06", "member", "b-3", "due"),
    row("i-07", "provider", "b-1", "held"),
    row("i-08", "provider", "b-4", "due"),
    row("i-09", "provider", "b-4", "paid"),
]


async def test_pay6_issue11_10_a_runs_parts_read_each_unpaid_item_due_once_in_order(
    database_url,
):
    database = connect(database_url)
    try:
        async with database.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(insert(payables), ROWS)
            owed = Payables(conn)

            parts: list[list[Item]] = []
            after = None
            while True:
                parts.append(await owed.payable(TODAY, 2, after))
                after = place(parts[-1][-1])
                if not await owed.any_after(TODAY, after):
                    break
                if len(parts) == 2:
                    # Decided during the run: one behind where it has come, one ahead of it.
                    await conn.execute(
                        insert(payables),
                        [
                            row("i-00", "member", "b-0", "due"),
                            row("i-10", "provider", "b-5", "due"),
                        ],
                    )

            assert [[i.item_id for i in part] for part in parts] == [
                ["i-01", "i-03"],
                ["i-05", "i-06"],
                ["i-07", "i-08"],
                ["i-10"],
            ]
            assert [i.held for i in parts[0]] == [False, True]
            # Tomorrow's run starts from the beginning again: the item decided behind is in it.
            tomorrow = await owed.payable(TODAY + timedelta(days=1), 3)
            assert [i.item_id for i in tomorrow] == ["i-00", "i-01", "i-03"]
    finally:
        await database.dispose()
