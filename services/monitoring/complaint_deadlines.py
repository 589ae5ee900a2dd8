"""Monitoring's view of the complaint procedure, from the complaints service's events only:
open complaints per state, those with a missed deadline, and how often the acknowledgement
(CMP-3) and the status messages (CMP-5) went out on time (CMP-12)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import EventEnvelope, events
from shared.contracts.complaints import (
    AcknowledgementOverdue,
    ComplaintAcknowledged,
    ComplaintRegistered,
    StatusUpdateOverdue,
    StatusUpdateSent,
)
from shared.eventstore import UnitOfWork
from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

complaint_deadlines = Table(
    "complaint_deadlines",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("file_number", String(20), nullable=False),
    Column("state", String(32), nullable=False, index=True),
    # on_time | late | standard (the system's standard message at the missed deadline)
    Column("acknowledged", String(8)),
    Column("acknowledgement_overdue", Boolean, nullable=False),
    Column("status_updates_on_time", Integer, nullable=False),
    Column("status_updates_overdue", Integer, nullable=False),
    # Set by a breach, cleared when the fund does the duty itself or answers: till then the
    # complaint waits on the fund.
    Column("overdue_since", UtcDateTime),
)

# The state each step of the procedure leaves a complaint in.
STATES = {
    "ComplaintRegistered": "registered",
    "ComplaintAcknowledged": "acknowledged",
    "ComplaintFoundAdmissible": "under_analysis",
    "ComplaintFoundInadmissible": "closed",
    "InformationRequested": "waiting_for_information",
    "InformationReceived": "under_analysis",
    "ComplaintAnswered": "answered",
    "ComplaintEscalatedToMediator": "with_mediator",
    "MediatorAnswered": "mediator_answered",
    "ComplaintClosed": "closed",
}
BREACHES = {"AcknowledgementOverdue", "StatusUpdateOverdue"}
# Once answered no status message is due any more: a breach before is history, not waiting.
ANALYSIS_OVER = {"answered", "with_mediator", "mediator_answered", "closed"}


async def apply_complaint_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.producer != "complaints" or envelope.type not in {
        *STATES,
        *BREACHES,
        "StatusUpdateSent",
    }:
        return
    event = events.decode(envelope)
    conn, row = uow.conn, complaint_deadlines.c
    if isinstance(event, ComplaintRegistered):
        await conn.execute(
            insert(complaint_deadlines).values(
                complaint_id=event.complaint_id,
                file_number=event.file_number,
                state="registered",
                acknowledgement_overdue=False,
                status_updates_on_time=0,
                status_updates_overdue=0,
            )
        )
        return
    changes: dict = {}
    if envelope.type in STATES:
        changes["state"] = STATES[envelope.type]
    match event:
        case ComplaintAcknowledged(standard=standard):
            overdue = select(row.acknowledgement_overdue).where(
                row.complaint_id == event.complaint_id
            )
            late = await conn.scalar(overdue)
            changes["acknowledged"] = "standard" if standard else "late" if late else "on_time"
            if not standard:  # the standard message answers the complainant, not the breach
                changes["overdue_since"] = None
        case AcknowledgementOverdue():
            changes.update(acknowledgement_overdue=True, overdue_since=envelope.occurred_at)
        case StatusUpdateSent():
            changes.update(status_updates_on_time=row.status_updates_on_time + 1)
            changes["overdue_since"] = None
        case StatusUpdateOverdue():
            changes.update(
                status_updates_overdue=row.status_updates_overdue + 1,
                overdue_since=envelope.occurred_at,
            )
    if changes.get("state") in ANALYSIS_OVER:
        changes["overdue_since"] = None
    await conn.execute(
        update(complaint_deadlines).where(row.complaint_id == event.complaint_id).values(changes)
    )


@dataclass(frozen=True)
class Figures:
    open_by_state: dict[str, int]
    overdue: list[str]  # file numbers
    acknowledgements_on_time: float | None  # a share of 1; None before any acknowledgement
    status_updates_on_time: float | None


async def figures(conn: AsyncConnection) -> Figures:
    row = complaint_deadlines.c
    by_state = await conn.execute(
        select(row.state, func.count()).where(row.state != "closed").group_by(row.state)
    )
    overdue = await conn.scalars(
        select(row.file_number).where(row.overdue_since.is_not(None)).order_by(row.file_number)
    )
    acknowledged = dict(
        (
            await conn.execute(select(row.acknowledged, func.count()).group_by(row.acknowledged))
        ).all()
    )
    sent, missed = (
        await conn.execute(
            select(
                func.coalesce(func.sum(row.status_updates_on_time), 0),
                func.coalesce(func.sum(row.status_updates_overdue), 0),
            )
        )
    ).one()
    acks = sum(n for kind, n in acknowledged.items() if kind is not None)
    return Figures(
        open_by_state=dict(by_state.all()),
        overdue=list(overdue),
        acknowledgements_on_time=_share(acknowledged.get("on_time", 0), acks),
        status_updates_on_time=_share(sent, sent + missed),
    )


def _share(part: int, whole: int) -> float | None:
    # A ratio shown to people, not money: a rounded float is what it is.
    return round(part / whole, 3) if whole else None
