"""Monitoring's view of the money (issue 11 item 9), from the payments service's events only:
each payment run part (when, how many payments, how much, how many held), what waits for a bank
account per person, and the households whose MAF ceiling was passed in a year. Ids, amounts and
dates: no names, no accounts (those stay sealed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import EventEnvelope, events
from shared.contracts.payments import (
    MafRefundDue,
    PaymentHeld,
    PaymentMade,
    PaymentRunCompleted,
)
from shared.eventstore import UnitOfWork

metadata = MetaData()

payment_runs = Table(
    "payment_runs",
    metadata,
    Column("run_id", String(32), primary_key=True),
    Column("part", Integer, primary_key=True),
    Column("value_date", Date, nullable=False),
    Column("payments", Integer, nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("held", Integer, nullable=False),
)

payments_waiting = Table(
    "payments_waiting",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("since", Date, nullable=False),
    Column("reason", String(32), nullable=False),
)

maf_ceilings_passed = Table(
    "maf_ceilings_passed",
    metadata,
    Column("booklet_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("refunded", Numeric(12, 2), nullable=False),
)

FOLLOWED = {
    PaymentRunCompleted.type_name,
    PaymentHeld.type_name,
    PaymentMade.type_name,
    MafRefundDue.type_name,
}


class RunFigures(BaseModel):
    run_id: str
    part: int
    value_date: date
    payments: int
    amount: Decimal
    held: int


class Waiting(BaseModel):
    person_id: str
    amount: Decimal
    since: date
    reason: str


class MafPassed(BaseModel):
    year: int
    households: int
    refunded: Decimal


class PaymentFigures(BaseModel):
    runs: list[RunFigures]
    paid_total: Decimal
    waiting: list[Waiting]
    maf_ceilings_passed: list[MafPassed]


async def apply_payment_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.producer != "payments" or envelope.type not in FOLLOWED:
        return
    match events.decode(envelope):
        case PaymentRunCompleted() as run:
            await uow.conn.execute(
                insert(payment_runs).values(
                    **run.model_dump(
                        include={"run_id", "part", "value_date", "payments", "amount", "held"}
                    )
                )
            )
        case PaymentHeld(person_id=person, amount=amount, reason=reason):
            await uow.conn.execute(
                delete(payments_waiting).where(payments_waiting.c.person_id == person)
            )
            await uow.conn.execute(
                insert(payments_waiting).values(
                    person_id=person,
                    amount=amount,
                    since=envelope.occurred_at.date(),
                    reason=reason,
                )
            )
        case PaymentMade(person_id=person, items=items):
            # Paid: what waited for the person, or for whom they were paid, goes out.
            paid_for = {person, *(i.person_id for i in items)}
            await uow.conn.execute(
                delete(payments_waiting).where(payments_waiting.c.person_id.in_(paid_for))
            )
        case MafRefundDue(booklet_id=booklet, year=year, amount=amount):
            row = maf_ceilings_passed.c
            key = (row.booklet_id == booklet, row.year == year)
            if await uow.conn.scalar(select(func.count()).where(*key)):
                await uow.conn.execute(
                    maf_ceilings_passed.update().where(*key).values(refunded=row.refunded + amount)
                )
            else:
                await uow.conn.execute(
                    insert(maf_ceilings_passed).values(
                        booklet_id=booklet, year=year, refunded=amount
                    )
                )


async def payment_figures(conn: AsyncConnection) -> PaymentFigures:
    runs = await conn.execute(
        select(payment_runs)
        .order_by(payment_runs.c.value_date.desc(), payment_runs.c.part)
        .limit(60)
    )
    paid = await conn.scalar(select(func.coalesce(func.sum(payment_runs.c.amount), 0)))
    waiting = await conn.execute(select(payments_waiting).order_by(payments_waiting.c.since))
    row = maf_ceilings_passed.c
    passed = await conn.execute(
        select(row.year, func.count(), func.sum(row.refunded))
        .group_by(row.year)
        .order_by(row.year.desc())
    )
    return PaymentFigures(
        runs=[RunFigures.model_validate(r._mapping) for r in runs],
        paid_total=Decimal(paid),
        waiting=[Waiting.model_validate(w._mapping) for w in waiting],
        maf_ceilings_passed=[MafPassed(year=y, households=n, refunded=r) for y, n, r in passed],
    )
