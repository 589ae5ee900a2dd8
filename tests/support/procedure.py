"""Driving a running complaints service in a test: commands as a handler, timers fired after
the fake clock moved."""

from __future__ import annotations

from datetime import date, datetime, time

from services.complaints.domain.deadlines import BRUSSELS
from shared.contracts import Actor, CommandEnvelope, CommandOutcome
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
    [registered] = [e for e in outcome.events if e["type"] == "ComplaintRegistered"]
    return registered["payload"]["file_number"]


async def start_analysis(service, file_number: str) -> None:
    await send(service, "AcknowledgeComplaint", {"file_number": file_number})
    await send(
        service,
        "DecideAdmissibility",
        {"file_number": file_number, "admissible": True, "category": "reimbursement"},
    )


async def fire(service) -> int:
    """Fires every due timer, including those that firing makes due."""
    total = 0
    while fired := await service.scheduler.fire_due():
        total += fired
    return total
