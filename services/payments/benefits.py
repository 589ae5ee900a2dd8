"""Incapacity benefits decided by staff, paid per month once it is over (PAY-1): a durable
timer per month falls due the day after it, and the month's amount becomes an item the next
payment run pays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from services.payments.domain.benefit import Benefit, Period, monthly_periods, period_item
from services.payments.domain.payment_run import Item
from services.payments.members import Members
from services.payments.payables import Payables
from shared.clock import BRUSSELS, brussels_day
from shared.contracts.payments import BenefitPeriodDue, DecideIncapacityBenefit
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository
from shared.messaging.commands import CommandContext
from shared.refusal import Refused

PERIOD_OVER = "payments.benefit-period"


async def decide_incapacity_benefit(command: DecideIncapacityBenefit, ctx: CommandContext) -> None:
    member = await ctx.uow.view(Members).find(command.national_register_number)
    if member is None:
        raise Refused("no member of the fund has this national register number")
    benefit = await ctx.aggregates.get(Benefit, ctx.derived_id("benefit"))
    benefit.decide(member.person_id, command.daily_amount, command.start, command.end)
    await ctx.aggregates.save(benefit)
    for period in monthly_periods(command.start, command.end):
        await ctx.uow.schedule(_timer(benefit.benefit_id, period, ctx.envelope.correlation_id))


async def on_period_over(timer: Timer, uow: UnitOfWork) -> None:
    aggregates = Repository.for_timer(uow, timer)
    benefit = await aggregates.get(Benefit, timer.payload["benefit_id"])
    period = Period(
        date.fromisoformat(timer.payload["start"]), date.fromisoformat(timer.payload["end"])
    )
    benefit.fall_due(period)
    due = [e for e in benefit.pending if isinstance(e, BenefitPeriodDue)]
    await aggregates.save(benefit)
    member = await uow.view(Members).get(benefit.person_id or "")
    await uow.view(Payables).owe(
        [
            Item(
                item_id=period_item(d.benefit_id, d.start),
                kind="benefit",
                person_id=d.person_id,
                booklet_id=member.booklet_id if member else "",
                amount=d.amount,
                payee="member",
            )
            for d in due
        ],
        brussels_day(uow.clock.now()),
    )


def _timer(benefit_id: str, period: Period, correlation_id: str) -> Timer:
    at = datetime.combine(period.end + timedelta(days=1), time(0), BRUSSELS)
    payload = {
        "benefit_id": benefit_id,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
    return Timer(
        f"{PERIOD_OVER}:{benefit_id}:{period.start.isoformat()}",
        PERIOD_OVER,
        at,
        payload,
        correlation_id,
    )


HANDLERS = {DecideIncapacityBenefit: decide_incapacity_benefit}
TIMER_HANDLERS = {PERIOD_OVER: on_period_over}
