"""The monthly billing run (INV-7): on the first day of each month a durable timer invoices every
household with someone insured that month, in parts of at most `run_part_size` households,
each part one transaction; the next part is a timer of its own, due at once, and the last part
schedules next month's run.

A household's invoice of a month is one stream (services/einvoicing/domain/billing.py): a
crash inside a part rolls it back and its timer fires again, and a second replica, a
redelivery or a late subscription's own timer finds the invoice issued and leaves it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from services.einvoicing import notices, reminders
from services.einvoicing.config import einvoicing_settings
from services.einvoicing.domain.billing import (
    HouseholdInvoice,
    InvoiceNumberRegister,
    first_of_month,
    month_lines,
    next_month,
)
from services.einvoicing.households import Households
from shared.clock import BRUSSELS, brussels_day
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository

RUN = "einvoicing.billing"
HOUSEHOLD = "einvoicing.household"


def run_at(period: date) -> datetime:
    return datetime.combine(period, einvoicing_settings().billing_at, BRUSSELS)


def run_timer(period: date, after: str = "", correlation_id: str = "") -> Timer:
    """A part of the run of `period`: the households after booklet `after`."""
    due = run_at(period)
    payload = {"period": period.isoformat(), "after": after}
    return Timer(f"{RUN}:{period:%Y-%m}:{after}", RUN, due, payload, correlation_id)


def household_timer(booklet_id: str, period: date, due: datetime, person_id: str) -> Timer:
    """The household's invoice of `period` for a cover of `person_id` recorded after its run:
    one per person, so each late cover is billed even when the month's invoice went out."""
    payload = {"period": period.isoformat(), "booklet_id": booklet_id}
    timer_id = f"{HOUSEHOLD}:{booklet_id}:{period:%Y-%m}:{person_id}"
    return Timer(timer_id, HOUSEHOLD, due, payload)


async def schedule_runs(uow: UnitOfWork) -> None:
    """Makes sure this month's run is coming or done (at start: a new service, or one down
    over its run time)."""
    await uow.schedule(run_timer(first_of_month(brussels_day(uow.clock.now()))))


async def bill_late_cover(
    uow: UnitOfWork, booklet_id: str, person_id: str, starts_on: date
) -> None:
    """A cover recorded after the run of a month it starts in: that household is invoiced for
    the months already run on its own, or gets a supplementary invoice for a month it was
    invoiced already."""
    now = uow.clock.now()
    period = first_of_month(starts_on)
    while run_at(period) <= now:
        await uow.schedule(household_timer(booklet_id, period, now, person_id))
        period = next_month(period)


async def on_run(timer: Timer, uow: UnitOfWork) -> None:
    period = date.fromisoformat(timer.payload["period"])
    size = einvoicing_settings().run_part_size
    booklets = await uow.view(Households).insured_booklets(period, timer.payload["after"], size)
    aggregates = Repository.for_timer(uow, timer)
    register = await aggregates.get(InvoiceNumberRegister, period)
    for booklet_id in booklets:
        await _invoice(uow, aggregates, register, booklet_id, period)
    await aggregates.save(register)
    if len(booklets) == size:
        await uow.schedule(run_timer(period, booklets[-1], timer.correlation_id))
    else:
        await uow.schedule(run_timer(next_month(period)))


async def on_household(timer: Timer, uow: UnitOfWork) -> None:
    period = date.fromisoformat(timer.payload["period"])
    aggregates = Repository.for_timer(uow, timer)
    register = await aggregates.get(InvoiceNumberRegister, period)
    await _invoice(uow, aggregates, register, timer.payload["booklet_id"], period, late=True)
    await aggregates.save(register)


async def month_invoices(
    aggregates: Repository, booklet_id: str, period: date
) -> list[HouseholdInvoice]:
    """The household's invoices of the month issued so far: its invoice, then each
    supplementary one in order."""
    issued = []
    while True:
        invoice_id = HouseholdInvoice.id_of(booklet_id, period, len(issued))
        invoice = await aggregates.get(HouseholdInvoice, invoice_id)
        if invoice.issued is None:
            return issued
        issued.append(invoice)


async def _invoice(
    uow: UnitOfWork,
    aggregates: Repository,
    register: InvoiceNumberRegister,
    booklet_id: str,
    period: date,
    late: bool = False,
) -> None:
    """The household's invoice of the month, once; for a `late` cover, the supplementary
    invoice of what the month's earlier invoices did not ask."""
    issued = await month_invoices(aggregates, booklet_id, period) if late else []
    invoice = await aggregates.get(
        HouseholdInvoice, HouseholdInvoice.id_of(booklet_id, period, len(issued))
    )
    if invoice.issued is not None:
        return  # the run came again (a crash, a replica): the month is invoiced
    households = uow.view(Households)
    holder, insured, covers = await households.household(booklet_id)
    month = month_lines(holder["person_id"], insured, covers, period) if holder else None
    if month is not None and issued:
        month = month.beyond(line for earlier in issued for line in earlier.issued.lines)
    if month is None:
        return  # nothing (more) to ask: the cover ended, or the person was erased, meanwhile
    settings = einvoicing_settings()
    invoice.issue(
        register,
        booklet_id,
        holder["person_id"],
        month,
        brussels_day(uow.clock.now()),
        timedelta(days=settings.due_after_days),
        await households.electronic(holder["person_id"]),
        supplements=issued[0].issued.number if issued else None,
    )
    made = invoice.issued
    await reminders.start(uow, made)
    if made.electronic:  # INV-3: the payer is told it is in the inbox
        notice = notices.notice_timer(made.invoice_id, made.number, "issued", uow.clock.now())
        await uow.schedule(notice)
    await aggregates.save(invoice)


HANDLERS = {RUN: on_run, HOUSEHOLD: on_household}
