"""Complaints in a chosen state of the procedure, for tests of the domain."""

from __future__ import annotations

from datetime import UTC, datetime

from services.complaints.domain import procedure
from services.complaints.domain.complaint import Complaint
from services.complaints.domain.status import Status
from tests.support.events import complaint_registered

# Received on Monday 2 March 2026: the acknowledgement is due on Tuesday 10 March.
RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
MEDIATOR = "Nationaal Verbond van Socialistische Mutualiteiten, Sint-Jansstraat 32-38, 1000 Brussel"


def registered(**overrides) -> Complaint:
    event = complaint_registered(received_at=RECEIVED, **overrides)
    return Complaint.rebuild(event.complaint_id, history=[event])


def taken(complaint: Complaint, step) -> list:
    """The events one step recorded."""
    before = len(complaint.pending)
    step(complaint)
    return complaint.pending[before:]


# The steps that lead to each status, taken on the day of receipt.
_PATH = {
    Status.REGISTERED: [],
    Status.ACKNOWLEDGED: [procedure.acknowledge],
    Status.UNDER_ANALYSIS: [
        procedure.acknowledge,
        lambda c: procedure.find_admissible(c, "reimbursement", RECEIVED),
    ],
}
_PATH[Status.WAITING_FOR_INFORMATION] = [
    *_PATH[Status.UNDER_ANALYSIS],
    lambda c: procedure.request_information(c, "Which month?", RECEIVED),
]
_PATH[Status.ANSWERED] = [
    *_PATH[Status.UNDER_ANALYSIS],
    lambda c: procedure.answer(c, "founded", "We paid too little.", None, MEDIATOR),
]
_PATH[Status.WITH_MEDIATOR] = [
    *_PATH[Status.ANSWERED],
    lambda c: procedure.escalate(c, "I disagree."),
]
_PATH[Status.MEDIATOR_ANSWERED] = [
    *_PATH[Status.WITH_MEDIATOR],
    lambda c: procedure.answer_as_mediator(c, "partly_founded", "Re-examined.", None),
]
_PATH[Status.CLOSED] = [*_PATH[Status.ANSWERED], procedure.close]


def in_status(status: Status, **overrides) -> Complaint:
    """A complaint loaded from a history that brought it to `status`; nothing pending."""
    complaint = registered(**overrides)
    for step in _PATH[status]:
        step(complaint)
    assert complaint.status is status
    history = [complaint.registration, *complaint.pending]
    return Complaint.rebuild(complaint.complaint_id, history=history)
