"""The payments that paid a person's items or were made to them, each read from its own stream,
so never behind the store (what a copy of their data shows, what their erasure conceals,
DOS-12). Found through the items they paid (payables): a member is paid their own items and,
as their booklet's holder, their dependants', so a payment made to the person is among those
that paid an item of their booklet."""

from __future__ import annotations

from services.payments.domain.ledger import Payment
from services.payments.members import Members
from services.payments.payables import Payables
from shared.contracts import events
from shared.contracts.payments import PaymentMade, ProviderPaid
from shared.eventstore import UnitOfWork


async def paying(uow: UnitOfWork, person_id: str) -> dict[str, PaymentMade | ProviderPaid]:
    """By payment id, every payment that paid an item of the person or of their booklet."""
    member = await uow.view(Members).get(person_id)
    booklet = member.booklet_id if member is not None else None
    made: dict[str, PaymentMade | ProviderPaid] = {}
    for payment_id in await uow.view(Payables).payment_ids(person_id, booklet):
        for event in map(events.decode, await uow.read_stream(Payment.stream(payment_id))):
            if isinstance(event, PaymentMade | ProviderPaid):
                made[payment_id] = event
    return made


async def made_to(uow: UnitOfWork, person_id: str) -> list[PaymentMade]:
    """The payments made into the person's own account."""
    made = (await paying(uow, person_id)).values()
    return [p for p in made if isinstance(p, PaymentMade) and p.person_id == person_id]
