"""What the deadlines do (CMP-3, CMP-5, CMP-12): remind the handler before a due day, and at
its end, if the duty is still open, record the breach and send the complainant the standard
message, so that nobody waits unanswered.

A timer names the duty it was set for (`Duty.key`). When it fires for a duty that is done, or
has moved on, it does nothing: the outcome stays exactly once whether or not the timer could
be cancelled in time."""

from __future__ import annotations

from datetime import datetime

from services.complaints.domain.complaint import Complaint
from services.complaints.domain.duties import Duty
from shared.contracts.complaints import (
    AcknowledgementOverdue,
    ComplaintAcknowledged,
    HandlerReminded,
    StatusUpdateOverdue,
)


def remind(complaint: Complaint, duty_key: str, now: datetime) -> None:
    duty = _still_open(complaint, duty_key)
    if duty is None or now >= duty.deadline:
        return  # a reminder after the deadline says nothing the breach does not
    complaint.record(
        HandlerReminded(
            complaint_id=complaint.complaint_id,
            duty=duty.kind,
            period=duty.period,
            due_on=duty.due_on,
            assignee=complaint.assignee,
        )
    )


def miss(complaint: Complaint, duty_key: str, now: datetime) -> None:
    duty = _still_open(complaint, duty_key)
    if duty is None or now < duty.deadline:
        return
    if duty.kind == "acknowledgement":
        _acknowledgement_missed(complaint, duty)
    else:
        _status_update_missed(complaint, duty)


def _acknowledgement_missed(complaint: Complaint, duty: Duty) -> None:
    # The standard message tells the file number: receipt is acknowledged, late. The handler
    # goes on with admissibility, not with a second acknowledgement.
    letter = complaint.letter("acknowledgement", standard=True, received_on=complaint.received_on)
    cid = complaint.complaint_id
    complaint.record(
        AcknowledgementOverdue(complaint_id=cid, due_on=duty.due_on, assignee=complaint.assignee),
        letter,
        ComplaintAcknowledged(complaint_id=cid, standard=True),
    )


def _status_update_missed(complaint: Complaint, duty: Duty) -> None:
    letter = complaint.letter("status", standard=True)
    overdue = StatusUpdateOverdue(
        complaint_id=complaint.complaint_id,
        period=duty.period,
        due_on=duty.due_on,
        next_due_on=complaint.clock.missed_due(),
        assignee=complaint.assignee,
    )
    complaint.record(overdue, letter)


def _still_open(complaint: Complaint, duty_key: str) -> Duty | None:
    duty = complaint.duty
    return duty if duty is not None and duty.key == duty_key else None
