"""Youth savings (jongerensparen, DOS-7), kept by member services: a young member enrolled, the
deposits received, a marriage or cohabitation that ends the saving. A durable timer per saving
falls due on the 30th birthday. Whatever ends it, the capital becomes an item the next payment
run pays to the young member (or, without an account of theirs, to their booklet's holder)."""

from __future__ import annotations

from datetime import date, datetime, time

from services.payments.domain.payment_run import Item
from services.payments.domain.youth_savings import shipped_youth_savings_rules
from services.payments.domain.youth_savings_account import YouthSavingsAccount
from services.payments.members import Member, Members
from services.payments.payables import Payables
from shared.clock import BRUSSELS, brussels_day
from shared.contracts.youth_savings import (
    EndYouthSavings,
    EnrolInYouthSavings,
    RecordYouthSavingsDeposit,
    YouthSavingsPayoutDue,
)
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository
from shared.messaging.commands import CommandContext
from shared.refusal import Refused

PAYOUT_AGE = "payments.youth-savings-payout"


async def enrol_in_youth_savings(command: EnrolInYouthSavings, ctx: CommandContext) -> None:
    member = await _member(ctx, command.national_register_number)
    account = await ctx.aggregates.get(YouthSavingsAccount, member.person_id)
    rules, today = shipped_youth_savings_rules(), brussels_day(ctx.now)
    account.enrol(rules, member.birth_date, command.since, command.yearly_amount, today)
    await ctx.aggregates.save(account)
    ends_on = rules.payout_date(member.birth_date)
    await ctx.uow.schedule(payout_timer(member.person_id, ends_on, ctx.envelope.correlation_id))


async def record_youth_savings_deposit(
    command: RecordYouthSavingsDeposit, ctx: CommandContext
) -> None:
    member = await _member(ctx, command.national_register_number)
    account = await ctx.aggregates.get(YouthSavingsAccount, member.person_id)
    rules, today = shipped_youth_savings_rules(), brussels_day(ctx.now)
    account.deposit(rules, command.amount, command.received_on, today, command.reference)
    await ctx.aggregates.save(account)


async def end_youth_savings(command: EndYouthSavings, ctx: CommandContext) -> None:
    member = await _member(ctx, command.national_register_number)
    account = await ctx.aggregates.get(YouthSavingsAccount, member.person_id)
    today = brussels_day(ctx.now)
    account.end(command.reason, command.on, member.booklet_id, today)
    await _save_and_owe(ctx.aggregates, ctx.uow, account, today)
    await ctx.uow.cancel_timer(_timer_id(member.person_id))


async def on_payout_age(timer: Timer, uow: UnitOfWork) -> None:
    aggregates = Repository.for_timer(uow, timer)
    account = await aggregates.get(YouthSavingsAccount, timer.payload["person_id"])
    member = await uow.view(Members).get(account.person_id)
    today = brussels_day(uow.clock.now())
    account.reach_payout_age(member.booklet_id if member else "", today)
    await _save_and_owe(aggregates, uow, account, today)


def payout_timer(person_id: str, ends_on: date, correlation_id: str) -> Timer:
    """Due at the first moment of the 30th birthday, in Brussels."""
    at = datetime.combine(ends_on, time(0), BRUSSELS)
    return Timer(_timer_id(person_id), PAYOUT_AGE, at, {"person_id": person_id}, correlation_id)


async def _member(ctx: CommandContext, national_register_number: str) -> Member:
    member = await ctx.uow.view(Members).find(national_register_number)
    if member is None:
        raise Refused("no member of the fund has this national register number")
    return member


async def _save_and_owe(
    aggregates: Repository, uow: UnitOfWork, account: YouthSavingsAccount, today: date
) -> None:
    due = [e for e in account.pending if isinstance(e, YouthSavingsPayoutDue) and e.amount > 0]
    await aggregates.save(account)
    await uow.view(Payables).owe(
        [
            Item(
                item_id=item_id(d.person_id),
                kind="youth_savings",
                person_id=d.person_id,
                booklet_id=d.booklet_id,
                amount=d.amount,
                payee="member",
            )
            for d in due
        ],
        today,
    )


def item_id(person_id: str) -> str:
    """The payout's item: one saving per person, paid out once."""
    return f"youth_savings:{person_id}"


def _timer_id(person_id: str) -> str:
    return f"{PAYOUT_AGE}:{person_id}"


HANDLERS = {
    EnrolInYouthSavings: enrol_in_youth_savings,
    RecordYouthSavingsDeposit: record_youth_savings_deposit,
    EndYouthSavings: end_youth_savings,
}
TIMER_HANDLERS = {PAYOUT_AGE: on_payout_age}
