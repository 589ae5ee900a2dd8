"""Einvoicing's part of a person's copy (DOS-12), read in the unit of work that records it
(shared.privacy.exports): their row and covers as learnt from the dossier find the booklet and
the months it was invoiced for; the invoices' own streams tell the rest (lines, credits,
reminders, notices), and the person's delivery stream each choice of how invoices reach them.
The invoices read model shows the same, but may lag: a copy is made once.

A person einvoicing holds nothing of gets an empty part."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.einvoicing.domain import personal_data
from services.einvoicing.domain.billing import HouseholdInvoice, first_of_month, next_month
from services.einvoicing.domain.delivery import InvoiceDelivery
from services.einvoicing.domain.incoming import IncomingPayment
from services.einvoicing.domain.personal_data import Held
from services.einvoicing.households import Households
from shared.clock import brussels_day
from shared.contracts import Event, EventEnvelope, events
from shared.contracts.einvoicing import InvoicePaymentReceived
from shared.eventstore import UnitOfWork


async def part_of(uow: UnitOfWork, request: EventEnvelope, person_id: str) -> dict[str, Any]:
    households = uow.view(Households)
    row = (await households.persons({person_id})).get(person_id)
    covers, invoices, credits = [], [], {}
    if row is not None:
        _, _, booklet_covers = await households.household(row["booklet_id"])
        covers = [c for c in booklet_covers if c.person_id == person_id]
        first = min((c.starts_on for c in booklet_covers), default=None)
        months = _months(first, brussels_day(uow.clock.now())) if first else []
        for month in months:
            invoices += await _month_invoices(uow, row["booklet_id"], month)
        entries = [e.entry_id for i in invoices for e in i if isinstance(e, InvoicePaymentReceived)]
        recorded = await uow.read_streams(IncomingPayment.stream(entry) for entry in entries)
        credits = {
            credit.entry_id: credit
            for stream in recorded.values()
            for credit in map(events.decode, stream)
        }
    delivery = await uow.read_stream(InvoiceDelivery.stream(person_id))
    held = Held(
        person_id=person_id,
        invoiced_as=row,
        covers=covers,
        delivery=[(e.occurred_at, events.decode(e)) for e in delivery],
        invoices=invoices,
        credits=credits,
    )
    return personal_data.part(held)


async def _month_invoices(uow: UnitOfWork, booklet_id: str, month: date) -> list[list[Event]]:
    """The household's invoices of the month, each as its stream tells it: the month's
    invoice, then its supplementary ones."""
    found = []
    while stream := await uow.read_stream(
        HouseholdInvoice.stream(HouseholdInvoice.id_of(booklet_id, month, len(found)))
    ):
        found.append([events.decode(e) for e in stream])
    return found


def _months(first: date, today: date) -> list[date]:
    """The first day of every month from `first`'s to today's: those a run may have invoiced."""
    months, month = [], first_of_month(first)
    while month <= today:
        months.append(month)
        month = next_month(month)
    return months
