"""The youth savings route (DOS-7): "if you do youth savings, you can check since when you save
and how much you saved" — with each year's deposits and the payout expected (or due, or paid).

A member sees the persons they may act on and is told there is none (404) for any other;
member services see every person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.payments.domain.youth_savings import Deposit, shipped_youth_savings_rules
from services.payments.domain.youth_savings_account import expected_payout
from services.payments.read_model import history_lines
from services.payments.youth_savings_read_model import youth_savings, youth_savings_deposits
from shared.access.http import Authenticated
from shared.access.persons import Persons
from shared.access.tokens import Principal
from shared.clock import brussels_day
from shared.problems import Problem, problems
from shared.service import Runtime

STAFF = frozenset({"member_services", "admin"})
ZERO = Decimal("0.00")
PersonId = Annotated[str, Path(max_length=64, description="The person's id")]


class SavingYear(BaseModel):
    year: int
    amount: Decimal = Field(description="received that calendar year; 0: nothing received")


class ReceivedDeposit(BaseModel):
    received_on: date
    amount: Decimal


class Payout(BaseModel):
    on: date = Field(
        description="the 30th birthday, or the day a marriage or cohabitation ended it"
    )
    amount: Decimal = Field(
        description="expected: what was saved and the yearly amount chosen for each year to "
        "come; once ended: the capital due (the bonus interest is not included)"
    )
    reason: Literal["age_30", "marriage", "cohabitation"]
    status: Literal["expected", "due", "held", "paid", "nothing_saved"]
    payment_id: str | None = None


class YouthSavingsView(BaseModel):
    person_id: str
    since: date
    yearly_amount: Decimal = Field(description="the yearly amount the saver chose")
    saved: Decimal = Field(description="every deposit received")
    years: list[SavingYear]
    deposits: list[ReceivedDeposit]
    payout: Payout


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["payments"])

    @api.get(
        "/persons/{person_id}/youth-savings",
        response_model=YouthSavingsView,
        responses=problems(403, 404),
    )
    async def youth_savings_of(person_id: PersonId, principal: Authenticated) -> YouthSavingsView:
        """DOS-7: since when the person saves, how much was saved, each year's deposits, and
        the payout expected on the 30th birthday (or due, or paid, once the saving ended)."""
        async with runtime.database.read() as conn:
            await _may_see(conn, principal, person_id)
            found = await _savings(conn, person_id, brussels_day(runtime.clock.now()))
        if found is None:
            raise Problem(404, "no_youth_savings", "this person has no youth savings")
        return found

    return api


async def _savings(conn: AsyncConnection, person_id: str, today: date) -> YouthSavingsView | None:
    row = (
        await conn.execute(select(youth_savings).where(youth_savings.c.person_id == person_id))
    ).first()
    if row is None:
        return None
    deposits = [
        Deposit(d.received_on.year, d.amount, d.received_on)
        for d in await conn.execute(
            select(youth_savings_deposits)
            .where(youth_savings_deposits.c.person_id == person_id)
            .order_by(youth_savings_deposits.c.received_on, youth_savings_deposits.c.event_id)
        )
    ]
    last_year = max([min(today.year, row.ends_on.year), *(d.year for d in deposits)])
    return YouthSavingsView(
        person_id=person_id,
        since=row.since,
        yearly_amount=row.yearly_amount,
        saved=row.saved,
        years=[
            SavingYear(year=year, amount=sum((d.amount for d in deposits if d.year == year), ZERO))
            for year in range(row.since.year, last_year + 1)
        ],
        deposits=[ReceivedDeposit(received_on=d.on, amount=d.amount) for d in deposits],
        payout=await _payout(conn, row, deposits, today),
    )


async def _payout(conn: AsyncConnection, row, deposits: list[Deposit], today: date) -> Payout:
    if row.end_reason is None:
        rules = shipped_youth_savings_rules()
        amount = expected_payout(rules, row.since, row.yearly_amount, row.ends_on, deposits, today)
        return Payout(on=row.ends_on, amount=amount, reason="age_30", status="expected")
    item = (
        await conn.execute(
            select(history_lines.c.status, history_lines.c.payment_id).where(
                history_lines.c.item_id == f"youth_savings:{row.person_id}"
            )
        )
    ).first()
    if not row.payout_amount:
        status = "nothing_saved"
    else:  # the history shows the item once its projection has caught up: due until then
        status = item.status if item else "due"
    return Payout(
        on=row.ends_on,
        amount=row.payout_amount,
        reason=row.end_reason,
        status=status,
        payment_id=item.payment_id if item else None,
    )


async def _may_see(conn: AsyncConnection, principal: Principal, person_id: str) -> None:
    """As the payments API: staff see every person, a member those they may act on."""
    if principal.role in STAFF:
        return
    if principal.role != "member":
        raise Problem(403, "role_not_allowed", "payments are for members and member services")
    if person_id not in await Persons(conn).persons_of(principal.actor):
        raise Problem(404, "no_such_person", "no such person among those you may act on")
