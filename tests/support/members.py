"""Making a person a member as identity learns it: the dossier's events through Kafka, then
waiting (a condition, not a deadline) until identity's projection holds them."""

from __future__ import annotations

import uuid

from services.identity.adapters.members import Member, Members
from shared.service import Runtime
from shared.settings import KafkaSettings
from tests.support import dossier
from tests.support.waiting import eventually


async def enrol(
    kafka: KafkaSettings, identity: Runtime, national_register_number: str, **contact
) -> Member:
    """Enrols the person as a booklet holder with the given e-mail/phone; returns what identity
    knows of them."""
    booklet_id = f"booklet-{uuid.uuid4().hex[:8]}"
    envelopes = [
        dossier.envelope(dossier.member_enrolled(national_register_number, booklet_id), booklet_id)
    ]
    if contact:
        changed = dossier.contact_details_changed(booklet_id, national_register_number, **contact)
        envelopes.append(dossier.envelope(changed, booklet_id, stream_version=2))
    await dossier.publish(kafka, *envelopes)

    async def known() -> Member | None:
        async with identity.database.read() as conn:
            found = await Members(conn).find(national_register_number)
        wanted = {k: v for k, v in contact.items() if k in ("email", "phone")}
        if found and all(getattr(found, k) == v for k, v in wanted.items()):
            return found
        return None

    found = await eventually(known)
    assert found, "identity never learnt the member from the dossier's events"
    return found
