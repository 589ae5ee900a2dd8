"""What einvoicing learns from the dossier's events (never by asking it): the households and
their covers (services/einvoicing/households.py)."""

from __future__ import annotations

from services.einvoicing import billing
from services.einvoicing.households import Households, address_of
from shared.contracts import EventEnvelope, events
from shared.contracts.dossier import (
    AddressChanged,
    ContactDetailsChanged,
    DependantAdded,
    MemberEnrolled,
    PersonErased,
)
from shared.contracts.insurance import InsuranceEnded, InsuranceSubscribed
from shared.eventstore import UnitOfWork
from shared.privacy.marking import opened

DOSSIER_EVENTS = {
    "MemberEnrolled",
    "DependantAdded",
    "AddressChanged",
    "ContactDetailsChanged",
    "InsuranceSubscribed",
    "InsuranceEnded",
    "PersonErased",
}


async def apply_dossier_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type not in DOSSIER_EVENTS:
        return
    known = uow.view(Households)
    match events.decode(envelope):
        case MemberEnrolled(booklet_id=booklet_id, person_id=person_id, holder=person):
            await known.admit(booklet_id, person_id, "holder", person)
        case DependantAdded(booklet_id=booklet_id, person_id=person_id, dependant=person):
            await known.admit(booklet_id, person_id, "dependant", person)
        case AddressChanged(person_id=person_id, address=address):
            await known.update(person_id, **address_of(address))
        case ContactDetailsChanged(person_id=person_id, email=email, phone=phone):
            changed = {"email": opened(email), "phone": opened(phone)}
            await known.update(person_id, **{k: v for k, v in changed.items() if v is not None})
        case InsuranceSubscribed() as subscribed:
            await known.insure(subscribed)
            await billing.bill_late_cover(
                uow, subscribed.booklet_id, subscribed.person_id, subscribed.starts_on
            )
        case InsuranceEnded(person_id=person_id, last_day=last_day):
            await known.end_cover(person_id, last_day)
        case PersonErased(person_id=person_id):
            await known.forget(person_id)
            # The address the person chose for notices (InvoiceDeliveryChanged), sealed here.
            await uow.shred(person_id, ["contact"])
