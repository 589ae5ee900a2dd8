"""PAY-1: the premiums a household paid for its optional insurance, as einvoicing tells it
(`InvoicePaid`), kept in payments' own store so the payer's financial history shows them beside
what the fund paid them, and a rebuild of the history finds them again."""

from __future__ import annotations

from dataclasses import dataclass

from shared.aggregate import Aggregate
from shared.contracts import Event, EventEnvelope, events
from shared.contracts.einvoicing import InvoicePaid
from shared.contracts.payments import PremiumPaid
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository


@dataclass
class PremiumPayment(Aggregate):
    """One invoice paid: noted once, whatever einvoicing's events come again."""

    invoice_number: str

    @classmethod
    def stream(cls, invoice_number: str) -> str:
        return f"premium-{invoice_number}"

    def apply(self, event: Event) -> None:
        pass  # that it exists is its state


async def apply_einvoicing_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type != InvoicePaid.type_name:
        return
    paid = events.decode(envelope)
    aggregates = Repository.for_event(uow, envelope)
    noted = await aggregates.get(PremiumPayment, paid.number)
    if not noted.is_new:
        return
    noted.record(
        PremiumPaid(
            person_id=paid.payer_person_id,
            booklet_id=paid.booklet_id,
            invoice_number=paid.number,
            period=paid.period,
            paid_on=paid.paid_on,
            amount=paid.total,
        )
    )
    await aggregates.save(noted)
