"""DOS-3: whether a household is in order with what the fund invoiced it (its contributions and
premiums), as the dossier learns it from einvoicing's events: an invoice still unpaid after its
due date puts it out of order. Computed when asked, on the service's clock, so a due date
passing needs no event. Only a person in order may join a Neutra insurance (DOS-8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    MetaData,
    Numeric,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import EventEnvelope, events
from shared.contracts.einvoicing import InvoiceIssued, InvoicePaid, InvoicePaymentReceived
from shared.eventstore import UnitOfWork

metadata = MetaData()

household_invoices = Table(
    "household_invoices",
    metadata,
    Column("number", String(10), primary_key=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("due_on", Date, nullable=False),
    Column("balance", Numeric(12, 2), nullable=False),
    Column("paid", Boolean, nullable=False),
)

EINVOICING_EVENTS = {"InvoiceIssued", "InvoicePaymentReceived", "InvoicePaid"}


async def apply_einvoicing_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type not in EINVOICING_EVENTS:
        return
    row = household_invoices.c
    match events.decode(envelope):
        case InvoiceIssued(number=number, booklet_id=booklet_id, due_on=due_on, total=total):
            if await uow.conn.scalar(select(row.number).where(row.number == number)) is None:
                values = {"number": number, "booklet_id": booklet_id, "due_on": due_on}
                await uow.conn.execute(
                    insert(household_invoices), values | {"balance": total, "paid": False}
                )
        case InvoicePaymentReceived(number=number, balance=balance):
            await uow.conn.execute(
                update(household_invoices).where(row.number == number).values(balance=balance)
            )
        case InvoicePaid(number=number):
            await uow.conn.execute(
                update(household_invoices).where(row.number == number).values(paid=True)
            )


@dataclass(frozen=True)
class ContributionStatus:
    in_order: bool
    overdue_since: date | None  # the oldest due date passed unpaid
    overdue_amount: Decimal
    open_invoices: int


class Contributions:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def status(self, booklet_id: str, today: date) -> ContributionStatus:
        row = household_invoices.c
        found = await self.conn.execute(
            select(row.due_on, row.balance).where(row.booklet_id == booklet_id, row.paid.is_(False))
        )
        open_ = found.all()
        overdue = [(due_on, balance) for due_on, balance in open_ if due_on < today]
        return ContributionStatus(
            in_order=not overdue,
            overdue_since=min((due_on for due_on, _ in overdue), default=None),
            overdue_amount=sum((balance for _, balance in overdue), Decimal("0.00")),
            open_invoices=len(open_),
        )
