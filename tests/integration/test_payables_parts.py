"""PAY-6, issue 11 item 10: a payment run's parts go down the unpaid items in the order they are
paid in, each part on from where the one before ended. Every unpaid item due is read by
exactly one part (one waiting for an account too: it may have come), none paid or not yet due,
and an item decided during the run behind where it has come waits for tomorrow's run. An item
taken off the unpaid ones cannot be paid again, and each shows where it stands (paid by which
payment, waiting for an account, due). Both backends: the place is a row comparison on the
unpaid index's key."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.payments.domain.payment_run import Item
from services.payments.payables import AlreadyPaid, Payables, metadata, place
from shared.eventstore import connect

TODAY = date(2026, 12, 3)


def item(item_id: str, payee: str, booklet: str) -> Item:
    return Item(
        item_id=item_id,
        kind="reimbursement",
        person_id=f"p-{booklet.removeprefix('b-')}",
        booklet_id=booklet,
        amount=Decimal("10.00"),
        payee=payee,
    )


ITEMS = {
    i.item_id: i
    for i in [
        item("i-00", "member", "b-0"),
        item("i-01", "member", "b-1"),
        item("i-02", "member", "b-1"),
        item("i-03", "member", "b-2"),
        item("i-04", "member", "b-2"),
        item("i-05", "member", "b-3"),
        item("i-06", "member", "b-3"),
        item("i-07", "provider", "b-1"),
        item("i-08", "provider", "b-4"),
        item("i-09", "provider", "b-4"),
        item("i-10", "provider", "b-5"),
    ]
}


@pytest.fixture
async def owed(database_url):
    """Items due today, i-02 and i-09 paid, i-03 and i-07 waiting for an account, i-04 not due
    before tomorrow: in a transaction of their own, as a run sees them."""
    database = connect(database_url)
    try:
        async with database.begin() as conn:
            await conn.run_sync(metadata.create_all)
            owed = Payables(conn)
            today = ("i-01", "i-02", "i-03", "i-05", "i-06", "i-07", "i-08", "i-09")
            await owed.owe([ITEMS[i] for i in today], TODAY)
            await owed.owe([ITEMS["i-04"]], TODAY + timedelta(days=1))
            await owed.mark_paid({"i-02": "pay-1", "i-09": "pay-2"})
            await owed.hold([ITEMS["i-03"], ITEMS["i-07"]])
            yield owed
    finally:
        await database.dispose()


async def test_pay6_issue11_10_a_runs_parts_read_each_unpaid_item_due_once_in_order(owed):
    parts: list[list[Item]] = []
    after = None
    while True:
        parts.append(await owed.payable(TODAY, 2, after))
        after = place(parts[-1][-1])
        if not await owed.any_after(TODAY, after):
            break
        if len(parts) == 2:
            # Decided during the run: one behind where it has come, one ahead of it.
            await owed.owe([ITEMS["i-00"], ITEMS["i-10"]], TODAY)

    assert [[i.item_id for i in part] for part in parts] == [
        ["i-01", "i-03"],
        ["i-05", "i-06"],
        ["i-07", "i-08"],
        ["i-10"],
    ]
    assert [i.held for i in parts[0]] == [False, True]
    assert parts[0][0] == ITEMS["i-01"], "read back as it was owed"
    # Tomorrow's run starts from the beginning again: the item decided behind is in it.
    tomorrow = await owed.payable(TODAY + timedelta(days=1), 3)
    assert [i.item_id for i in tomorrow] == ["i-00", "i-01", "i-03"]


async def test_pay6_issue11_10_an_item_is_paid_once_and_shows_where_it_stands(owed):
    # A run finding one of its items paid meanwhile abandons its transaction.
    with pytest.raises(AlreadyPaid, match="1 of 2 items"):
        async with owed.conn.begin_nested():
            await owed.mark_paid({"i-01": "pay-3", "i-02": "pay-3"})

    standing = {o.item_id: (o.status, o.payment_id) for o in await owed.owed_to("p-1")}
    assert standing == {
        "i-01": ("due", None),
        "i-02": ("paid", "pay-1"),
        "i-07": ("held", None),
    }
    assert await owed.payment_ids("p-4", None) == ["pay-2"]
    assert sorted(await owed.waiting()) == [
        ("p-1", Decimal("10.00"), 1),
        ("p-2", Decimal("10.00"), 1),
    ]
