"""Driving a running complaints service in a test: commands as a handler, timers fired after
the fake clock moved."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select

from services.complaints.domain.deadlines import BRUSSELS
from shared.contracts import Actor, CommandEnvelope, CommandOutcome
from shared.eventstore.schema import timers
from shared.privacy.command_keys import ROTATION
from tests.support.staff import HANDLER

MEDIATOR = Actor(account_id="mediator-1", role="mediator", authenticated_by="pwd")


def brussels(day: str, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), BRUSSELS)


async def send(service, type_: str, payload: dict, actor: Actor = HANDLER) -> CommandOutcome:
    envelope = CommandEnvelope(type=type_, payload=payload, issued_at=service.clock.now())
    outcome = await service.bus.execute(envelope, actor)
    assert outcome.status == "accepted", outcome.reason
    return outcome


async def register(service, **payload) -> str:
    body = {"complainant_name": "Els Peeters", "subject": "Refund", "description": "…"}
    outcome = await send(service, "RegisterComplaint", body | payload)
    [registered] = [e for e in outcome.events if e.type == "ComplaintRegistered"]
    return registered.payload["file_number"]


async def start_analysis(service, file_number: str) -> None:
    await send(service, "AcknowledgeComplaint", {"file_number": file_number})
    await send(
        service,
        "DecideAdmissibility",
        {"file_number": file_number, "admissible": True, "category": "reimbursement"},
    )


async def fire(service) -> int:
    """Fires every due timer, including those that firing makes due; returns how many of the
    service's own fired (not the daily rotation of its command keys, which every service that
    takes commands has: shared.privacy.command_keys)."""
    before = await _own_timers_fired(service)
    while await service.scheduler.fire_due():
        pass
    return await _own_timers_fired(service) - before


async def _own_timers_fired(service) -> int:
    async with service.database.read() as conn:
        return await conn.scalar(
            select(func.count()).where(timers.c.status == "fired", timers.c.kind != ROTATION)
        )
