"""The complaints read model: one row per complaint, by file number, with where it stands,
who handles it, its deadlines and breaches; the recommendations learnt (CMP-9); the letters
sent (CMP-11). Beside it, the file numbers commands find complaints by (file_numbers.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.complaints.domain.deadlines import ACKNOWLEDGEMENT_PERIOD, due_day
from services.complaints.domain.status import Status
from shared.contracts import Event, EventEnvelope
from shared.contracts.complaints import (
    AcknowledgementOverdue,
    ComplainantErased,
    ComplaintAcknowledged,
    ComplaintAnswered,
    ComplaintAssigned,
    ComplaintClosed,
    ComplaintEscalatedToMediator,
    ComplaintFoundAdmissible,
    ComplaintFoundInadmissible,
    ComplaintLetterSent,
    ComplaintRegistered,
    InformationReceived,
    InformationRequested,
    MediatorAnswered,
    RecommendationRecorded,
    StatusUpdateOverdue,
    StatusUpdateSent,
)
from shared.eventstore.schema import UtcDateTime
from shared.privacy.marking import ERASED

metadata = MetaData()

complaints = Table(
    "complaints",
    metadata,
    Column("file_number", String(20), primary_key=True),
    Column("complaint_id", String(36), nullable=False, unique=True),
    Column("status", String(32), nullable=False),
    Column("complainant_name", String(200), nullable=False),
    Column("complainant_email", String(320)),
    Column("member_number", String(40)),
    Column("language", String(2), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("reference", String(200)),
    Column("received_at", UtcDateTime, nullable=False),
    Column("registered_at", UtcDateTime, nullable=False),
    # 0002: the procedure.
    Column("complainant_person", String(64), index=True),
    Column("anonymous", Boolean, nullable=False, server_default=false()),
    Column("category", String(40)),
    Column("reference_kind", String(16)),
    Column("assignee", String(64)),
    Column("outcome", String(20)),
    Column("acknowledgement_due_on", Date),
    Column("acknowledged_at", UtcDateTime),
    # A breach stays on record; the status flag only while no status message followed it.
    Column("acknowledgement_overdue", Boolean, nullable=False, server_default=false()),
    Column("next_status_due_on", Date),
    Column("status_update_overdue", Boolean, nullable=False, server_default=false()),
    Column("missed_status_updates", Integer, nullable=False, server_default="0"),
    Column("answered_at", UtcDateTime),
    Column("escalated_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
)

recommendations = Table(
    "complaint_recommendations",
    metadata,
    Column("recommendation_id", String(36), primary_key=True),
    Column("complaint_id", String(36), nullable=False, index=True),
    Column("file_number", String(20), nullable=False),
    Column("category", String(40)),
    Column("recorded_at", UtcDateTime, nullable=False, index=True),
    Column("recommendation", Text, nullable=False),
)


# Every message to the complainant, as the portal's inbox shows it (CMP-11).
letters = Table(
    "complaint_letters",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("file_number", String(20), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("language", String(2), nullable=False),
    Column("text", Text, nullable=False),
    Column("standard", Boolean, nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
)

# Which complaint each file number names, and whose person filed it. Kept by the
# RegisterComplaint handler in the transaction that issues the number, not by the projection: a
# command may name a complaint the projection has not reached yet, a person may be erased before
# it does, and a rebuild of the projection must not empty it.
file_numbers = Table(
    "complaint_file_numbers",
    metadata,
    Column("file_number", String(20), primary_key=True),
    Column("complaint_id", String(36), nullable=False, unique=True),
    Column("complainant_person", String(64), index=True),
)


class ComplaintsProjection:
    name = "complaints"
    tables = (complaints, recommendations, letters)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        if isinstance(event, ComplaintLetterSent):
            letter = event.model_dump(
                include={"file_number", "kind", "language", "text", "standard"}
            )
            letter |= {"event_id": envelope.event_id, "sent_at": envelope.occurred_at}
            await conn.execute(insert(letters), letter)
        elif isinstance(event, ComplaintRegistered):
            await conn.execute(insert(complaints), _registered(event, envelope))
        elif isinstance(event, RecommendationRecorded):
            await _recommendation(conn, event, envelope)
        elif isinstance(event, ComplainantErased):
            await _scrub(conn, event.complaint_id)
        elif (changes := _changes(event, envelope.occurred_at)) is not None:
            await conn.execute(
                update(complaints)
                .where(complaints.c.complaint_id == event.complaint_id)
                .values(**changes)
            )


def _registered(event: ComplaintRegistered, envelope: EventEnvelope) -> dict[str, Any]:
    row = event.model_dump(exclude={"reference"})
    reference = event.reference
    return row | {
        "status": Status.REGISTERED,
        "registered_at": envelope.occurred_at,
        "reference": reference.text if reference else None,
        "reference_kind": reference.kind if reference else None,
        "acknowledgement_due_on": due_day(event.received_at, ACKNOWLEDGEMENT_PERIOD),
    }


def _changes(event: Event, at: datetime) -> dict[str, Any] | None:
    match event:
        case ComplaintAssigned(handler=handler):
            return {"assignee": handler}
        case ComplaintAcknowledged():
            return {"status": Status.ACKNOWLEDGED, "acknowledged_at": at}
        case AcknowledgementOverdue():
            return {"acknowledgement_overdue": True}
        case ComplaintFoundAdmissible(category=category, status_update_due_on=due):
            return {
                "status": Status.UNDER_ANALYSIS,
                "category": category,
                "next_status_due_on": due,
            }
        case ComplaintFoundInadmissible():
            return {"outcome": "inadmissible"}
        case InformationRequested():
            return {"status": Status.WAITING_FOR_INFORMATION, "next_status_due_on": None}
        case InformationReceived(status_update_due_on=due):
            return {"status": Status.UNDER_ANALYSIS, "next_status_due_on": due}
        case StatusUpdateSent(next_due_on=due):
            return {"next_status_due_on": due, "status_update_overdue": False}
        case StatusUpdateOverdue(next_due_on=due):
            return {
                "next_status_due_on": due,
                "status_update_overdue": True,
                "missed_status_updates": complaints.c.missed_status_updates + 1,
            }
        case ComplaintAnswered(verdict=verdict):
            return {
                "status": Status.ANSWERED,
                "outcome": verdict,
                "answered_at": at,
                "next_status_due_on": None,
                "status_update_overdue": False,
            }
        case ComplaintEscalatedToMediator():
            return {"status": Status.WITH_MEDIATOR, "escalated_at": at}
        case MediatorAnswered(verdict=verdict):
            return {"status": Status.MEDIATOR_ANSWERED, "outcome": verdict}
        case ComplaintClosed(outcome=outcome):
            return {"status": Status.CLOSED, "outcome": outcome, "closed_at": at}
    return None


async def _recommendation(
    conn: AsyncConnection, event: RecommendationRecorded, envelope: EventEnvelope
) -> None:
    row = (
        await conn.execute(
            select(complaints.c.file_number, complaints.c.category).where(
                complaints.c.complaint_id == event.complaint_id
            )
        )
    ).one()
    await conn.execute(
        insert(recommendations).values(
            recommendation_id=envelope.event_id,
            complaint_id=event.complaint_id,
            file_number=row.file_number,
            category=row.category,
            recorded_at=envelope.occurred_at,
            recommendation=event.recommendation,
        )
    )


# What a rebuild after the shredding reads as erased: the complainant and what was written.
_PERSONAL = ("complainant_name", "complainant_person", "subject", "description")
_PERSONAL_IF_GIVEN = ("complainant_email", "member_number", "reference")


async def _scrub(conn: AsyncConnection, complaint_id: str) -> None:
    row = complaints.c.complaint_id == complaint_id
    given = {
        name: case((complaints.c[name].is_(None), None), else_=ERASED)
        for name in _PERSONAL_IF_GIVEN
    }
    await conn.execute(
        update(complaints).where(row).values(**dict.fromkeys(_PERSONAL, ERASED), **given)
    )
    file_number = select(complaints.c.file_number).where(row).scalar_subquery()
    await conn.execute(
        update(letters).where(letters.c.file_number == file_number).values(text=ERASED)
    )
