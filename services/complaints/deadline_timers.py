"""The complaint's deadlines as durable timers (CMP-3, CMP-5, CMP-12): for the duty the
complaint has now, a reminder before the due day and a deadline at its end.

Timer ids derive from the complaint and the duty, so scheduling again changes nothing. A duty
that is done or moved on has its timers cancelled; one that fires anyway finds its duty gone
and does nothing (overdue.py), so each deadline has exactly one outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.complaints.domain import overdue
from services.complaints.domain.complaint import Complaint
from services.complaints.domain.duties import Duty
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository

REMIND = "complaints.remind"
DEADLINE = "complaints.deadline"


async def follow(
    uow: UnitOfWork, complaint: Complaint, before: Duty | None, correlation_id: str
) -> None:
    """Keeps the timers on what the complaint owes now; `before`: what it owed before. The
    timers of what it owes are scheduled every time: it costs a look-up, and a complaint
    whose timers were never set (registered before they existed) gets them."""
    owed = complaint.duty
    if before is not None and before != owed:
        for timer in _timers(complaint.complaint_id, before, correlation_id):
            await uow.cancel_timer(timer.timer_id)
    if owed is not None:
        for timer in _timers(complaint.complaint_id, owed, correlation_id):
            await uow.schedule(timer)


async def on_remind(timer: Timer, uow: UnitOfWork) -> None:
    await _fire(timer, uow, overdue.remind)


async def on_deadline(timer: Timer, uow: UnitOfWork) -> None:
    await _fire(timer, uow, overdue.miss)


HANDLERS = {REMIND: on_remind, DEADLINE: on_deadline}


async def _fire(
    timer: Timer, uow: UnitOfWork, step: Callable[[Complaint, str, datetime], None]
) -> None:
    aggregates = Repository.for_timer(uow, timer)
    complaint = await aggregates.get(Complaint, timer.payload["complaint_id"])
    before = complaint.duty
    step(complaint, timer.payload["duty"], uow.clock.now())
    await aggregates.save(complaint)
    await follow(uow, complaint, before, timer.correlation_id)


def _timers(complaint_id: str, duty: Duty, correlation_id: str) -> list[Timer]:
    payload = {"complaint_id": complaint_id, "duty": duty.key}
    return [
        Timer(f"{kind}:{complaint_id}:{duty.key}", kind, due_at, payload, correlation_id)
        for kind, due_at in ((REMIND, duty.remind_at), (DEADLINE, duty.deadline))
    ]
