"""PAY-1, INV-8: the premiums a household paid for its optional insurance, as einvoicing tells
it (`InvoicePaid`), kept in payments' own store so the payer's financial history shows them
beside what the fund paid them, and a rebuild of the history finds them again; and what it paid
too much (`InvoicePaymentReceived.to_refund`), refunded to the holder by the payment run."""

from __future__ import annotations

from dataclasses import dataclass

from services.payments.domain.payment_run import Item
from services.payments.members import Members
from services.payments.payables import Payables
from shared.aggregate import Aggregate
from shared.clock import brussels_day
from shared.contracts import Event, EventEnvelope, events
from shared.contracts.einvoicing import InvoicePaid, InvoicePaymentReceived
from shared.contracts.payments import PremiumPaid, PremiumRefundDue
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
    if envelope.type == InvoicePaymentReceived.type_name:
        await _refund(uow, envelope, events.decode(envelope))
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


@dataclass
class PremiumRefund(Aggregate):
    """A surplus of one credit, refunded once."""

    entry_id: str

    @classmethod
    def stream(cls, entry_id: str) -> str:
        return f"premium-refund-{entry_id}"

    def apply(self, event: Event) -> None:
        pass  # that it exists is its state


async def _refund(
    uow: UnitOfWork, envelope: EventEnvelope, received: InvoicePaymentReceived
) -> None:
    if not received.to_refund:
        return
    aggregates = Repository.for_event(uow, envelope)
    refund = await aggregates.get(PremiumRefund, received.entry_id)
    holder = await uow.view(Members).holder_of(received.booklet_id)
    if not refund.is_new or holder is None:
        return  # noted before; or a household payments does not know (yet: redelivered later)
    due = PremiumRefundDue(
        person_id=holder.person_id,
        booklet_id=received.booklet_id,
        invoice_number=received.number,
        entry_id=received.entry_id,
        amount=received.to_refund,
    )
    refund.record(due)
    await aggregates.save(refund)
    item = Item(
        item_id=refund_item_id(received.entry_id),
        kind="premium_refund",
        person_id=holder.person_id,
        booklet_id=received.booklet_id,
        amount=received.to_refund,
        payee="member",
    )
    await uow.view(Payables).owe([item], brussels_day(uow.clock.now()))


def refund_item_id(entry_id: str) -> str:
    return f"premium-refund:{entry_id}"
