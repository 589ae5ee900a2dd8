"""Monitoring's view of the invoices (issue 12 item 8), from einvoicing's events only: per month
the invoices issued and their amount, how many are paid, which are still open past their due
date, and the credits of the fund's account that matched no invoice. Numbers, amounts and dates:
no names, no accounts (those stay sealed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import Boolean, Column, Date, MetaData, Numeric, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import EventEnvelope, events
from shared.contracts.einvoicing import IncomingPaymentRecorded, InvoiceIssued, InvoicePaid
from shared.eventstore import UnitOfWork

metadata = MetaData()

invoices_seen = Table(
    "invoices_seen",
    metadata,
    Column("number", String(10), primary_key=True),
    Column("period", Date, nullable=False, index=True),
    Column("due_on", Date, nullable=False),
    Column("total", Numeric(12, 2), nullable=False),
    Column("paid", Boolean, nullable=False),
)

unmatched_credits = Table(
    "unmatched_credits",
    metadata,
    Column("entry_id", String(140), primary_key=True),
    Column("booked_on", Date, nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
)

FOLLOWED = {
    InvoiceIssued.type_name,
    InvoicePaid.type_name,
    IncomingPaymentRecorded.type_name,
}


class MonthFigures(BaseModel):
    period: date
    issued: int
    amount: Decimal
    paid: int


class Overdue(BaseModel):
    number: str
    due_on: date
    total: Decimal


class InvoiceFigures(BaseModel):
    months: list[MonthFigures]
    overdue: list[Overdue]
    unmatched_credits: int
    unmatched_amount: Decimal


async def apply_invoice_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.producer != "einvoicing" or envelope.type not in FOLLOWED:
        return
    match events.decode(envelope):
        case InvoiceIssued() as issued:
            row = issued.model_dump(include={"number", "period", "due_on", "total"})
            await uow.conn.execute(insert(invoices_seen).values(**row, paid=False))
        case InvoicePaid(number=number):
            await uow.conn.execute(
                invoices_seen.update().where(invoices_seen.c.number == number).values(paid=True)
            )
        case IncomingPaymentRecorded(outcome="unmatched") as credit:
            row = credit.model_dump(include={"entry_id", "booked_on", "amount"})
            await uow.conn.execute(insert(unmatched_credits).values(**row))


async def invoice_figures(conn: AsyncConnection, today: date) -> InvoiceFigures:
    row = invoices_seen.c
    months = await conn.execute(
        select(
            row.period,
            func.count(),
            func.coalesce(func.sum(row.total), 0),
            func.count().filter(row.paid.is_(True)),
        )
        .group_by(row.period)
        .order_by(row.period.desc())
        .limit(24)
    )
    overdue = await conn.execute(
        select(row.number, row.due_on, row.total)
        .where(row.paid.is_(False), row.due_on < today)
        .order_by(row.due_on, row.number)
        .limit(500)
    )
    credit = unmatched_credits.c
    count, amount = (
        await conn.execute(select(func.count(), func.coalesce(func.sum(credit.amount), 0)))
    ).one()
    return InvoiceFigures(
        months=[
            MonthFigures(period=p, issued=n, amount=Decimal(a), paid=paid)
            for p, n, a, paid in months
        ],
        overdue=[Overdue(number=n, due_on=d, total=t) for n, d, t in overdue],
        unmatched_credits=count,
        unmatched_amount=Decimal(amount),
    )
