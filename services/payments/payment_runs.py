"""The daily payment run (PAY-6): a durable timer pays every item due, in parts of at most
`run_part_size` items, each part one transaction that records the payments, marks their items
paid and keeps the bank's credit-transfer file; the next part is a timer of its own, due at
once, and the last part schedules tomorrow's run.

A crash inside a part rolls the whole part back and its timer fires again; a part that
committed is never redone (its timer is fired). Items marked paid in the transaction of their
payment, and payment ids derived from the part and the payee, make a second replica, a
redelivery or a replay find nothing left to pay."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from services.payments import sepa
from services.payments.config import payments_settings
from services.payments.domain import payment_run
from services.payments.domain.ledger import Payment, PaymentRun
from services.payments.domain.payment_run import Account, Plan
from services.payments.members import Members
from services.payments.payables import Payables, Place, place, transfer_files
from shared.clock import BRUSSELS
from shared.contracts.payments import (
    PaidItem,
    PaymentHeld,
    PaymentMade,
    PaymentRunCompleted,
    ProviderPaid,
)
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository

RUN = "payments.run"
ZERO = Decimal("0.00")


def run_timer(
    day: date, part: int = 1, correlation_id: str = "", after: Place | None = None
) -> Timer:
    """The timer of a run's part; a part after the first goes on `after` the last item of the
    part before."""
    at = datetime.combine(day, payments_settings().run_at, BRUSSELS)
    payload = {"day": day.isoformat(), "part": part, **({"after": list(after)} if after else {})}
    return Timer(f"{RUN}:{day.isoformat()}:{part}", RUN, at, payload, correlation_id)


def next_run_day(now: datetime) -> date:
    """The day of the first run still to come at `now`."""
    local = now.astimezone(BRUSSELS)
    return (
        local.date() if local.time() < payments_settings().run_at else local.date() + timedelta(1)
    )


async def schedule_runs(uow: UnitOfWork) -> None:
    """Makes sure a run is coming (at start: a new service, or one down over its run time)."""
    await uow.schedule(run_timer(next_run_day(uow.clock.now())))


async def on_run(timer: Timer, uow: UnitOfWork) -> None:
    day, part = date.fromisoformat(timer.payload["day"]), int(timer.payload["part"])
    after = tuple(timer.payload["after"]) if "after" in timer.payload else None
    settings = payments_settings()
    run_id = day.isoformat()
    payables = uow.view(Payables)
    items = await payables.payable(day, settings.run_part_size, after)
    plan = payment_run.plan(f"{run_id}/{part}", items, *await _accounts(uow, items))
    aggregates = Repository.for_timer(uow, timer)
    await _pay(uow, aggregates, plan, run_id, day)
    run = await aggregates.get(PaymentRun, run_id)
    for held in plan.held:
        if held.newly:
            run.hold(
                PaymentHeld(
                    person_id=held.person_id, amount=held.amount, reason="no_iban", run_id=run_id
                )
            )
    await payables.hold([item for held in plan.held for item in held.newly])
    file_name = await _transfer_file(uow, plan, run_id, part, day)
    run.complete(
        PaymentRunCompleted(
            run_id=run_id,
            part=part,
            value_date=day,
            payments=len(plan.members) + len(plan.providers),
            amount=sum((p.amount for p in (*plan.members, *plan.providers)), ZERO),
            held=len(plan.held),
            transfer_file=file_name,
        )
    )
    await aggregates.save(run)
    # An item decided during the run behind where it has come is paid by tomorrow's.
    if items and await payables.any_after(day, place(items[-1])):
        await uow.schedule(run_timer(day, part + 1, timer.correlation_id, place(items[-1])))
    else:
        await uow.schedule(run_timer(day + timedelta(days=1)))


async def _accounts(uow: UnitOfWork, items) -> tuple[dict[str, Account], dict[str, str]]:
    """The accounts of the persons items are for and of their booklets' holders."""
    members = uow.view(Members)
    persons = await members.get_all({i.person_id for i in items if i.payee == "member"})
    holders = await members.holders_of({m.booklet_id for m in persons.values()})
    everyone = {**persons, **{h.person_id: h for h in holders.values()}}
    accounts = {
        p: Account(p, m.name, m.iban, m.bic) for p, m in everyone.items() if m.iban and m.name
    }
    return accounts, {booklet: h.person_id for booklet, h in holders.items()}


async def _pay(uow: UnitOfWork, aggregates: Repository, plan: Plan, run_id: str, day: date) -> None:
    """Each payment of the part made and its items marked paid; the payments stored in one
    append (sealed together: one look-up of the payees' keys), their items marked in one
    statement."""
    made: list[Payment] = []
    for payment in plan.members:
        paying = Payment.new(payment.payment_id)
        paying.make(
            PaymentMade(
                payment_id=payment.payment_id,
                run_id=run_id,
                person_id=payment.account.person_id,
                amount=payment.amount,
                items=[_paid(i) for i in payment.items],
                value_date=day,
                iban=payment.account.iban,
                account_holder=payment.account.name,
            )
        )
        made.append(paying)
    for payment in plan.providers:
        paying = Payment.new(payment.payment_id)
        paying.make(
            ProviderPaid(
                payment_id=payment.payment_id,
                run_id=run_id,
                provider_riziv_number=payment.riziv_number,
                provider_name=payment.name,
                iban=payment.iban,
                amount=payment.amount,
                items=[_paid(i) for i in payment.items],
                value_date=day,
            )
        )
        made.append(paying)
    await uow.view(Payables).mark_paid(
        {i.item_id: p.payment_id for p in (*plan.members, *plan.providers) for i in p.items}
    )
    await aggregates.save(*made)


def _paid(item) -> PaidItem:
    return PaidItem(
        item_id=item.item_id,
        kind=item.kind,
        person_id=item.person_id,
        amount=item.amount,
        certificate_id=item.certificate_id,
        care_date=item.care_date,
    )


async def _transfer_file(
    uow: UnitOfWork, plan: Plan, run_id: str, part: int, day: date
) -> str | None:
    transfers = [
        sepa.Transfer(
            end_to_end_id=end_to_end_id(p.payment_id),
            creditor_name=p.account.name,
            iban=p.account.iban,
            bic=p.account.bic,
            amount_cents=_cents(p.amount),
            remittance=f"Terugbetaling / remboursement {run_id}",
        )
        for p in plan.members
    ] + [
        sepa.Transfer(
            end_to_end_id=end_to_end_id(p.payment_id),
            creditor_name=p.name,
            iban=p.iban,
            bic=None,
            amount_cents=_cents(p.amount),
            remittance=f"Derdebetaler / tiers payant {run_id}",
        )
        for p in plan.providers
    ]
    if not transfers:
        return None
    settings = payments_settings()
    name = f"pain001-{run_id}-{part:03d}.xml"
    content = sepa.credit_transfer_file(
        message_id=f"MUTUALIS-{run_id}-{part:03d}",
        created_at=uow.clock.now(),
        debtor=sepa.Debtor(
            name=settings.debtor_name or uow.federation.name[:70],
            iban=settings.debtor_iban,
            bic=settings.debtor_bic,
        ),
        execution_date=day,
        transfers=transfers,
    )
    count, cents = sepa.summary(content)
    await uow.conn.execute(
        transfer_files.insert().values(
            name=name,
            run_id=run_id,
            created_at=uow.clock.now(),
            transfers=count,
            amount=Decimal(cents) / 100,
            content=content,
        )
    )
    return name


def end_to_end_id(payment_id: str) -> str:
    """The payment's id in the transfer file, returned on the payee's statement."""
    return payment_id.replace("-", "")


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


HANDLERS = {RUN: on_run}
