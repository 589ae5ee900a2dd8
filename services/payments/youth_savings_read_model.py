"""Youth savings as members look them up (DOS-7): per young member, since when they save, the
yearly amount chosen, how much was saved, and when the saving ends — the 30th birthday, or the
marriage or cohabitation that ended it — with the payout; and every deposit received. Rebuilt
from payments' own events. Whether the payout was paid is the financial history's (its item
`youth_savings:<person_id>`, services/payments/read_model.py)."""

from __future__ import annotations

from sqlalchemy import Column, Date, MetaData, Numeric, String, Table, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope
from shared.contracts.youth_savings import (
    YouthSavingsDepositReceived,
    YouthSavingsEnrolled,
    YouthSavingsPayoutDue,
)

metadata = MetaData()

youth_savings = Table(
    "youth_savings",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("since", Date, nullable=False),
    Column("yearly_amount", Numeric(12, 2), nullable=False),
    Column("saved", Numeric(12, 2), nullable=False),
    # The 30th birthday until the saving ends; then the day it ended.
    Column("ends_on", Date, nullable=False),
    Column("end_reason", String(16)),  # marriage | cohabitation | age_30; null: still saving
    Column("payout_amount", Numeric(12, 2)),
)

youth_savings_deposits = Table(
    "youth_savings_deposits",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("received_on", Date, nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("reference", String(35)),
)


class YouthSavingsAccounts:
    name = "youth_savings_accounts"
    tables = (youth_savings, youth_savings_deposits)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case YouthSavingsEnrolled() as enrolled:
                await conn.execute(
                    insert(youth_savings).values(
                        person_id=enrolled.person_id,
                        since=enrolled.since,
                        yearly_amount=enrolled.yearly_amount,
                        saved=0,
                        ends_on=enrolled.ends_on,
                    )
                )
            case YouthSavingsDepositReceived() as deposit:
                await conn.execute(
                    insert(youth_savings_deposits).values(
                        event_id=envelope.event_id,
                        person_id=deposit.person_id,
                        received_on=deposit.received_on,
                        amount=deposit.amount,
                        reference=deposit.reference,
                    )
                )
                await conn.execute(
                    update(youth_savings)
                    .where(youth_savings.c.person_id == deposit.person_id)
                    .values(saved=deposit.saved)
                )
            case YouthSavingsPayoutDue() as due:
                await conn.execute(
                    update(youth_savings)
                    .where(youth_savings.c.person_id == due.person_id)
                    .values(ends_on=due.ended_on, end_reason=due.reason, payout_amount=due.amount)
                )
