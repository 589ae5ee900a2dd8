"""INV-4: an invoice is due on its due date whether or not its notice was read; still open
after it, a first and then a second reminder go to the payer. Durable timers, set when the
invoice is issued and cancelled when it is paid; one that fires on a paid invoice does nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from services.einvoicing.config import einvoicing_settings
from services.einvoicing.domain.billing import HouseholdInvoice
from services.einvoicing.notices import notice_timer
from shared.clock import BRUSSELS, brussels_day
from shared.contracts.einvoicing import InvoiceIssued
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository

REMINDER = "einvoicing.reminder"
# In the morning, Brussels time: a reminder reads as one of the working day.
SENT_AT = time(8, 0)


def _timer_id(number: str, reminder: int) -> str:
    return f"{REMINDER}:{number}:{reminder}"


def _after(due_on: date, days: int) -> datetime:
    return datetime.combine(due_on + timedelta(days=days), SENT_AT, BRUSSELS)


async def start(uow: UnitOfWork, issued: InvoiceIssued) -> None:
    settings = einvoicing_settings()
    after = (settings.first_reminder_after_days, settings.second_reminder_after_days)
    for reminder, days in enumerate(after, start=1):
        payload = {"invoice_id": issued.invoice_id, "reminder": reminder}
        timer = Timer(
            _timer_id(issued.number, reminder), REMINDER, _after(issued.due_on, days), payload
        )
        await uow.schedule(timer)


async def stop(uow: UnitOfWork, number: str) -> None:
    for reminder in (1, 2):
        await uow.cancel_timer(_timer_id(number, reminder))


async def on_reminder(timer: Timer, uow: UnitOfWork) -> None:
    aggregates = Repository.for_timer(uow, timer)
    invoice = await aggregates.get(HouseholdInvoice, timer.payload["invoice_id"])
    reminder = int(timer.payload["reminder"])
    reminded = invoice.remind(reminder, brussels_day(uow.clock.now()))
    if reminded is None:
        return  # paid meanwhile
    await aggregates.save(invoice)
    if invoice.issued.electronic:
        notice = f"reminder-{reminder}"
        timer = notice_timer(invoice.invoice_id, reminded.number, notice, uow.clock.now())
        await uow.schedule(timer)


HANDLERS = {REMINDER: on_reminder}
