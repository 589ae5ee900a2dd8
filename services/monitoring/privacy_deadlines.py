"""Monitoring's view of the member's privacy requests (DOS-12), from the dossier's events only:
each request's right, when it came in, the day it is due (one month, GDPR art. 12(3)), whether
its deadline passed unanswered (PrivacyRequestOverdue: a missed deadline is an event monitoring
sees, as for complaints, CMP-12) and when it was answered. Ids, rights and dates only: what the
person wrote stays sealed, monitoring reads no one's personal data."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import Column, Date, MetaData, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import EventEnvelope, events
from shared.contracts.privacy import (
    PrivacyRequestAnswered,
    PrivacyRequestOverdue,
    PrivacyRequestReceived,
)
from shared.eventstore import UnitOfWork
from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

privacy_request_deadlines = Table(
    "privacy_request_deadlines",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("right", String(16), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("overdue_since", UtcDateTime),
    Column("answered_at", UtcDateTime, index=True),
)

FOLLOWED = {
    PrivacyRequestReceived.type_name,
    PrivacyRequestOverdue.type_name,
    PrivacyRequestAnswered.type_name,
}


class OpenPrivacyRequest(BaseModel):
    request_id: str
    right: str
    received_at: datetime
    due_on: date
    overdue: bool  # its month passed unanswered


async def apply_privacy_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.producer != "dossier" or envelope.type not in FOLLOWED:
        return
    event, row = events.decode(envelope), privacy_request_deadlines.c
    match event:
        case PrivacyRequestReceived():
            await uow.conn.execute(
                insert(privacy_request_deadlines).values(
                    request_id=event.request_id,
                    right=event.right,
                    received_at=envelope.occurred_at,
                    due_on=event.due_on,
                )
            )
            return
        case PrivacyRequestOverdue():
            changes = {"overdue_since": envelope.occurred_at}
        case PrivacyRequestAnswered():
            changes = {"answered_at": envelope.occurred_at}
    await uow.conn.execute(
        update(privacy_request_deadlines).where(row.request_id == event.request_id).values(changes)
    )


async def open_requests(conn: AsyncConnection) -> list[OpenPrivacyRequest]:
    """The requests not answered yet, those past their deadline first, then by due day."""
    row = privacy_request_deadlines.c
    rows = await conn.execute(
        select(privacy_request_deadlines)
        .where(row.answered_at.is_(None))
        .order_by(row.overdue_since.is_(None), row.due_on, row.request_id)
    )
    return [
        OpenPrivacyRequest(
            request_id=r.request_id,
            right=r.right,
            received_at=r.received_at,
            due_on=r.due_on,
            overdue=r.overdue_since is not None,
        )
        for r in rows
    ]
