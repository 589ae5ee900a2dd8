"""The dossier's tables of the member's rights (DOS-12): the requests as member services and
the person see them (a projection), the open requests one per person and right (written by the
handlers with the request), and the parts of the copies made for access requests (written by
the assembler, services.dossier.copies)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    MetaData,
    String,
    Table,
    insert,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope
from shared.contracts.dossier import PersonErased, RetentionEnded
from shared.contracts.privacy import (
    PrivacyRequestAnswered,
    PrivacyRequestOverdue,
    PrivacyRequestReceived,
)
from shared.eventstore.schema import UtcDateTime
from shared.privacy.marking import ERASED

metadata = MetaData()

privacy_requests = Table(
    "privacy_requests",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("right", String(16), nullable=False),
    Column("decision", String(32)),
    # What the person wrote and the answer's motivation: "erased" once the person's key of
    # what they wrote to the fund is shredded.
    Column("details", String(2000)),
    Column("received_at", UtcDateTime, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(8), nullable=False),  # open | answered
    Column("outcome", String(8)),  # exported | granted | refused
    Column("motivation", String(2000)),
    Column("answered_at", UtcDateTime),
    # Set when the deadline passed unanswered; kept once answered (answered late).
    Column("overdue_since", UtcDateTime),
)

# Written by the handlers in the same transaction as the request: one open request per person,
# right and (for a human review) decision; the primary key refuses a second one even when two
# commands race.
open_privacy_requests = Table(
    "open_privacy_requests",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("right", String(16), primary_key=True),
    Column("decision", String(32), primary_key=True),  # "" when the right names none
    Column("request_id", String(64), nullable=False, unique=True),
    Column("due_on", Date, nullable=False),
)

# Each service's part of the copy for an access request, as the dossier received it (opened):
# deleted when the person is erased and when the copy's retention ends (a month).
personal_data_exports = Table(
    "personal_data_exports",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("service", String(32), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("part", JSON, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)


class PrivacyRequestsProjection:
    name = "privacy_requests"
    tables = (privacy_requests,)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case PrivacyRequestReceived():
                await conn.execute(
                    insert(privacy_requests),
                    {
                        "request_id": event.request_id,
                        "person_id": event.person_id,
                        "right": event.right,
                        "decision": event.decision,
                        "details": event.details,
                        "received_at": envelope.occurred_at,
                        "due_on": event.due_on,
                        "status": "open",
                    },
                )
            case PrivacyRequestAnswered(request_id=request_id):
                answered = {
                    "status": "answered",
                    "outcome": event.outcome,
                    "motivation": event.motivation,
                    "answered_at": envelope.occurred_at,
                }
                await _update(conn, privacy_requests.c.request_id == request_id, answered)
            case PrivacyRequestOverdue(request_id=request_id):
                overdue = {"overdue_since": envelope.occurred_at}
                await _update(conn, privacy_requests.c.request_id == request_id, overdue)
            case PersonErased(person_id=person_id):
                await _scrub(conn, person_id)
            case RetentionEnded(person_id=person_id, category="complaint"):
                await _scrub(conn, person_id)


async def _scrub(conn: AsyncConnection, person_id: str) -> None:
    """What the person wrote and was answered reads as erased, as a rebuild would show it."""
    row = privacy_requests.c
    for column in (row.details, row.motivation):
        await conn.execute(
            update(privacy_requests)
            .where(row.person_id == person_id, column.is_not(None))
            .values({column.name: str(ERASED)})
        )


async def _update(conn: AsyncConnection, where: Any, values: dict[str, Any]) -> None:
    await conn.execute(update(privacy_requests).where(where).values(**values))
