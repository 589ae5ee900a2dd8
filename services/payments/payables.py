"""What the fund owes and has paid, item by item: the tables a payment run pays from (PAY-6).

Written by the handlers that decide an item is due and by the run that pays it, in the
transaction that records the event, never by a projection: the run must see every item
decided before it, and an item taken off the unpaid ones in the same transaction as its
`PaymentMade` is one no later run, replica or replay can pay again (the delete counts the rows
it took, and a paid item's row in `paid_items` is its only one).

An item is written once, as decided (`payables`); what changes as it is paid lives beside it,
in two narrow tables: `unpaid_items`, what runs have still to pay in the order they pay it,
which a run deletes from, and `paid_items`, which payment paid each item, which a run inserts
into. Marking the items paid rewrote each one's row and its entries in five indexes; at a
million items those updates were most of PostgreSQL's work in a run (86 s of the run's 145 s,
every part slower than the one before), where a delete writes no index entry and an insert
into a narrow table two."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from services.payments.domain.payment_run import Item
from services.payments.domain.personal_data import Owed
from shared.eventstore.database import insert_rows, one_of
from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

payables = Table(
    "payables",
    metadata,
    Column("item_id", String(160), primary_key=True),
    # reimbursement | maf_refund | benefit | youth_savings
    Column("kind", String(16), nullable=False),
    Column("person_id", String(64), nullable=False, index=True),
    Column("booklet_id", String(64), nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("payee", String(8), nullable=False),  # member | provider
    Column("certificate_id", String(64)),
    Column("care_date", Date),
    Column("provider_riziv_number", String(11)),
    Column("provider_name", String(100)),
    Column("provider_iban", String(34)),
    # Payable from this day on (a benefit's month once it is over).
    Column("due_on", Date, nullable=False),
)

unpaid_items = Table(
    "unpaid_items",
    metadata,
    Column("item_id", String(160), primary_key=True),
    Column("payee", String(8), nullable=False),
    Column("booklet_id", String(64), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("held", Boolean, nullable=False),  # waiting for an account
)

# A run's parts read the unpaid items in the order they are paid in; without it each part
# sorted every item due (1.4 s a part at a million items).
Index(
    "ix_unpaid_items_order",
    unpaid_items.c.payee,
    unpaid_items.c.booklet_id,
    unpaid_items.c.item_id,
)

paid_items = Table(
    "paid_items",
    metadata,
    Column("item_id", String(160), primary_key=True),
    Column("payment_id", String(36), nullable=False, index=True),
)

# An item's place in a run: the order items are paid in, and the unpaid index's key.
_ORDER = (unpaid_items.c.payee, unpaid_items.c.booklet_id, unpaid_items.c.item_id)
Place = tuple[str, str, str]


def place(item: Item) -> Place:
    return item.payee, item.booklet_id, item.item_id


def _unpaid(query: Select, on: date, after: Place | None) -> Select:
    """`query` of the unpaid items due on `on`, from after the place `after`: a part of a run
    goes on where the one before ended, down the unpaid index, rather than reading past every
    item paid before it (dead in the index until vacuumed) and every one held."""
    query = query.where(unpaid_items.c.due_on <= on)
    return query.where(tuple_(*_ORDER) > tuple_(*after)) if after else query


# A run's items, read in their fields' order and made positionally: 20,000 a part.
_ITEMS = select(
    *(unpaid_items.c.held if f.name == "held" else payables.c[f.name] for f in fields(Item))
).join_from(unpaid_items, payables, unpaid_items.c.item_id == payables.c.item_id)

# Every item as it stands: paid (and by which payment), waiting for an account, or due.
item_status = (
    select(
        payables,
        case(
            (paid_items.c.item_id.is_not(None), literal("paid")),
            (unpaid_items.c.held, literal("held")),
            else_=literal("due"),
        ).label("status"),
        paid_items.c.payment_id,
    )
    .outerjoin(unpaid_items, unpaid_items.c.item_id == payables.c.item_id)
    .outerjoin(paid_items, paid_items.c.item_id == payables.c.item_id)
    .subquery("item_status")
)

# The bank's credit-transfer file of each part of a run (pain.001), kept with what it pays.
transfer_files = Table(
    "transfer_files",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("run_id", String(32), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("transfers", Numeric(12, 0), nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("content", LargeBinary, nullable=False),
)


class AlreadyPaid(Exception):
    """Items a run meant to pay were paid meanwhile (another replica's run): the run's
    transaction is abandoned and redone on what is left."""


class Payables:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def owe(self, items: Sequence[Item], due_on: date) -> None:
        if not items:
            return
        owed = [
            {
                "item_id": i.item_id,
                "kind": i.kind,
                "person_id": i.person_id,
                "booklet_id": i.booklet_id,
                "amount": i.amount,
                "payee": i.payee,
                "certificate_id": i.certificate_id,
                "care_date": i.care_date,
                "provider_riziv_number": i.provider_riziv_number,
                "provider_name": i.provider_name,
                "provider_iban": i.provider_iban,
                "due_on": due_on,
            }
            for i in items
        ]
        unpaid = [
            {
                "item_id": i.item_id,
                "payee": i.payee,
                "booklet_id": i.booklet_id,
                "due_on": due_on,
                "held": False,
            }
            for i in items
        ]
        await self.conn.execute(*insert_rows(self.conn, insert(payables), owed))
        await self.conn.execute(*insert_rows(self.conn, insert(unpaid_items), unpaid))

    async def payable(self, on: date, limit: int, after: Place | None = None) -> list[Item]:
        """Up to `limit` unpaid items due on `on`, those waiting for an account too (it may have
        come), in the order of whom they go to, from after the `after` item's place."""
        query = _unpaid(_ITEMS, on, after).order_by(*_ORDER)
        return [Item(*row) for row in await self.conn.execute(query.limit(limit))]

    async def any_after(self, on: date, after: Place) -> bool:
        """Whether an unpaid item due on `on` comes after the `after` item's place."""
        query = _unpaid(select(unpaid_items.c.item_id), on, after)
        return await self.conn.scalar(query.limit(1)) is not None

    async def mark_paid(self, paid: Mapping[str, str]) -> None:
        """Takes the items (by id) off the unpaid ones and records the payment each maps to;
        raises AlreadyPaid if any of them was taken off already (paid by another replica)."""
        if not paid:
            return
        taken = await self.conn.execute(
            delete(unpaid_items).where(one_of(self.conn, unpaid_items.c.item_id, paid.keys()))
        )
        if taken.rowcount != len(paid):
            raise AlreadyPaid(f"{len(paid) - taken.rowcount} of {len(paid)} items")
        rows = [{"item_id": i, "payment_id": p} for i, p in paid.items()]
        await self.conn.execute(*insert_rows(self.conn, insert(paid_items), rows))

    async def hold(self, items: Iterable[Item]) -> None:
        ids = [i.item_id for i in items]
        if ids:
            await self.conn.execute(
                update(unpaid_items)
                .where(one_of(self.conn, unpaid_items.c.item_id, ids), ~unpaid_items.c.held)
                .values(held=True)
            )

    async def owed_to(self, person_id: str) -> list[Owed]:
        """Every item decided for the person (their care, refunds, benefit months), paid or
        not: what their copy shows (DOS-12)."""
        query = select(item_status).where(item_status.c.person_id == person_id)
        return [
            Owed(
                item_id=row.item_id,
                kind=row.kind,
                booklet_id=row.booklet_id,
                amount=row.amount,
                due_on=row.due_on,
                status=row.status,
                payment_id=row.payment_id,
                certificate_id=row.certificate_id,
            )
            for row in await self.conn.execute(query)
        ]

    async def payment_ids(self, person_id: str, booklet_id: str | None) -> list[str]:
        """The payments that paid an item of the person or of their booklet: a payment made to
        the person paid some of these (their own, or as holder their dependants')."""
        whose = payables.c.person_id == person_id
        if booklet_id:
            whose = or_(whose, payables.c.booklet_id == booklet_id)
        query = (
            select(paid_items.c.payment_id)
            .join(payables, payables.c.item_id == paid_items.c.item_id)
            .where(whose)
            .distinct()
            .order_by(paid_items.c.payment_id)
        )
        return list(await self.conn.scalars(query))

    async def waiting(self) -> list[tuple[str, Decimal, int]]:
        """Per person, what waits for an account: (person id, amount, items)."""
        query = (
            select(payables.c.person_id, func.sum(payables.c.amount), func.count())
            .join(unpaid_items, unpaid_items.c.item_id == payables.c.item_id)
            .where(unpaid_items.c.held)
            .group_by(payables.c.person_id)
        )
        return [tuple(row) for row in await self.conn.execute(query)]


class TransferFiles:
    """The bank files of the runs, as kept: what an erasure rewrites without the person."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of_runs(self, run_ids: Iterable[str]) -> dict[str, bytes]:
        """The files of these runs, by name."""
        query = select(transfer_files.c.name, transfer_files.c.content).where(
            transfer_files.c.run_id.in_(set(run_ids))
        )
        return {name: content for name, content in await self.conn.execute(query)}

    async def rewrite(self, name: str, content: bytes) -> None:
        await self.conn.execute(
            update(transfer_files).where(transfer_files.c.name == name).values(content=content)
        )
