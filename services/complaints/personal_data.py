"""The complaints' part of a person's copy (DOS-12), read in the unit of work that records it
(shared.privacy.exports): the complaints they filed, found by their person id in the file
numbers (kept with each complaint's registration, so never behind it), each from its own
stream. A person who filed none, or was erased, gets an empty part."""

from __future__ import annotations

from typing import Any

from services.complaints.domain import personal_data
from services.complaints.domain.complaint import Complaint
from services.complaints.file_numbers import FileNumbers
from shared.contracts import EventEnvelope
from shared.eventstore import UnitOfWork


async def part_of(uow: UnitOfWork, request: EventEnvelope, person_id: str) -> dict[str, Any]:
    filed = []
    for complaint_id in await uow.view(FileNumbers).filed_by(person_id):
        history = await uow.read_stream(Complaint.stream(complaint_id))
        if (shown := personal_data.complaint(history)) is not None:
            filed.append(shown)
    return personal_data.part(sorted(filed, key=lambda c: c["file_number"]))
