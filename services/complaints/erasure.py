"""A person the dossier erased (DOS-12), or whose complaints' retention ended (DOS-13): every
complaint they filed records it and has its keys shredded, so what they wrote and what the
complaint holds of them is erased wherever it is stored or published; the complaints stay as
structure (dates, status, deadlines)."""

from __future__ import annotations

from services.complaints.domain.complaint import Complaint
from services.complaints.file_numbers import FileNumbers
from shared.contracts import EventEnvelope, events
from shared.contracts.dossier import PersonErased, RetentionEnded
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository


async def apply_dossier_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type not in (PersonErased.type_name, RetentionEnded.type_name):
        return
    event = events.decode(envelope)
    if isinstance(event, RetentionEnded) and event.category != "complaint":
        return
    person_id = event.person_id
    filed = uow.view(FileNumbers)
    aggregates = Repository.for_event(uow, envelope)
    for complaint_id in await filed.filed_by(person_id):
        complaint = await aggregates.get(Complaint, complaint_id)
        complaint.erase_complainant()
        await aggregates.save(complaint)
        await uow.shred(complaint_id)
    await filed.forget_person(person_id)
