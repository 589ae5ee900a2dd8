"""What the fund owes and has paid, item by item: the table a payment run pays from (PAY-6).

Written by the handlers that decide an item is due and by the run that pays it, in the
transaction that records the event, never by a projection: the run must see every item
decided before it, and an item marked paid in the same transaction as its `PaymentMade` is
one no later run, replica or replay can pay again (the update counts the rows it changed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Column,
    Date,
    Index,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    func,
    insert,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from services.payments.domain.payment_run import Item
from services.payments.domain.personal_data import Owed
from shared.eventstore.database import UpdateByKey, one_of
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
    # due | held (waiting for an account) | paid
    Column("status", String(8), nullable=False, index=True),
    Column("payment_id", String(36), index=True),
)

# What a run has still to pay or to look at again. Its values are literals: SQLite uses a
# partial index only for a query holding the index's WHERE term as written, and PostgreSQL's
# generic plans cannot prove a predicate from parameters.
UNPAID = payables.c.status.in_([literal_column("'due'"), literal_column("'held'")])

# A run's parts read the unpaid items in the order they are paid in; without it each part
# sorted every item due (1.4 s a part at a million items).
Index(
    "ix_payables_unpaid",
    payables.c.payee,
    payables.c.booklet_id,
    payables.c.item_id,
    postgresql_where=UNPAID,
    sqlite_where=UNPAID,
)

# An item's place in a run: the order items are paid in, and the unpaid index's key.
_ORDER = (payables.c.payee, payables.c.booklet_id, payables.c.item_id)
Place = tuple[str, str, str]


def place(item: Item) -> Place:
    return item.payee, item.booklet_id, item.item_id


def _unpaid(query: Select, on: date, after: Place | None) -> Select:
    """`query` of the unpaid items due on `on`, from after the place `after`: a part of a run
    goes on where the one before ended, down the unpaid index, rather than reading past every
    item paid before it (dead in the index until vacuumed) and every one held."""
    query = query.where(UNPAID, payables.c.due_on <= on)
    return query.where(tuple_(*_ORDER) > tuple_(*after)) if after else query


# A run's items, read in their fields' order and made positionally: 20,000 a part.
_ITEMS = select(
    *(payables.c.status == "held" if f.name == "held" else payables.c[f.name] for f in fields(Item))
)

# Items marked paid by their payment, if no one did first (the count of rows changed says).
_PAID = UpdateByKey(payables.c.item_id, {"status": "paid"}, where=(UNPAID,))

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
        if items:
            await self.conn.execute(
                insert(payables),
                [
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
                        "status": "due",
                    }
                    for i in items
                ],
            )

    async def payable(self, on: date, limit: int, after: Place | None = None) -> list[Item]:
        """Up to `limit` unpaid items due on `on`, those waiting for an account too (it may have
        come), in the order of whom they go to, from after the `after` item's place."""
        query = _unpaid(_ITEMS, on, after).order_by(*_ORDER)
        return [Item(*row) for row in await self.conn.execute(query.limit(limit))]

    async def any_after(self, on: date, after: Place) -> bool:
        """Whether an unpaid item due on `on` comes after the `after` item's place."""
        query = _unpaid(select(payables.c.item_id), on, after)
        return await self.conn.scalar(query.limit(1)) is not None

    async def mark_paid(self, paid: Mapping[str, str]) -> None:
        """Marks each item (by id) paid by its payment (the id it maps to), all in one
        statement; raises AlreadyPaid if any of them is paid already."""
        if not paid:
            return
        result = await self.conn.execute(
            *_PAID.bound(self.conn, [{"item_id": i, "payment_id": p} for i, p in paid.items()])
        )
        if result.rowcount != len(paid):
            raise AlreadyPaid(f"{len(paid) - result.rowcount} of {len(paid)} items")

    async def hold(self, items: Iterable[Item]) -> None:
        ids = [i.item_id for i in items]
        if ids:
            await self.conn.execute(
                update(payables)
                .where(one_of(self.conn, payables.c.item_id, ids), payables.c.status == "due")
                .values(status="held")
            )

    async def owed_to(self, person_id: str) -> list[Owed]:
        """Every item decided for the person (their care, refunds, benefit months), paid or
        not: what their copy shows (DOS-12)."""
        query = select(payables).where(payables.c.person_id == person_id)
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
            select(payables.c.payment_id)
            .where(whose, payables.c.payment_id.is_not(None))
            .distinct()
            .order_by(payables.c.payment_id)
        )
        return list(await self.conn.scalars(query))

    async def waiting(self) -> list[tuple[str, Decimal, int]]:
        """Per person, what waits for an account: (person id, amount, items)."""
        query = (
            select(payables.c.person_id, func.sum(payables.c.amount), func.count())
            .where(payables.c.status == "held")
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
