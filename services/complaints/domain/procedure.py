"""The steps of seed 004 that people take: the handler, the complainant, the mediator.

Each checks the complaint's status (status.py), writes the letter first (it may be refused,
ID-10) and only then records, so a refused step changes nothing."""

from __future__ import annotations

from datetime import datetime

from services.complaints.domain.complaint import Complaint, ComplaintRefused
from services.complaints.domain.deadlines import brussels_day
from services.complaints.domain.duties import StatusClock
from shared.contracts.complaints import (
    Category,
    ComplaintAcknowledged,
    ComplaintAnswered,
    ComplaintAssigned,
    ComplaintClosed,
    ComplaintEscalatedToMediator,
    ComplaintFoundAdmissible,
    ComplaintFoundInadmissible,
    InadmissibilityGround,
    InformationReceived,
    InformationRequested,
    MediatorAnswered,
    RecommendationRecorded,
    StatusUpdateSent,
    Verdict,
)


def assign(complaint: Complaint, handler: str) -> None:
    complaint.check("assign")
    if handler == complaint.assignee:
        raise ComplaintRefused(
            f"complaint {complaint.file_number} is already assigned to {handler}"
        )
    complaint.record(ComplaintAssigned(complaint_id=complaint.complaint_id, handler=handler))


def acknowledge(complaint: Complaint) -> None:
    """CMP-2, CMP-3: the acknowledgement tells the complainant the file number."""
    complaint.check("acknowledge")
    letter = complaint.letter("acknowledgement", received_on=complaint.received_on)
    complaint.record(ComplaintAcknowledged(complaint_id=complaint.complaint_id), letter)


def find_admissible(complaint: Complaint, category: Category | None, now: datetime) -> None:
    """CMP-4: the analysis starts, and with it the status-message clock (CMP-5)."""
    complaint.check("find_admissible")
    if complaint.registration.anonymous:
        raise ComplaintRefused(
            f"complaint {complaint.file_number} is anonymous and anonymous complaints are not "
            "handled (CMP-1): find it inadmissible"
        )
    category = category or complaint.category
    if category is None:
        raise ComplaintRefused("say which category the complaint is in (CMP-9)")
    due = StatusClock.start_due(brussels_day(now))
    complaint.record(
        ComplaintFoundAdmissible(
            complaint_id=complaint.complaint_id, category=category, status_update_due_on=due
        )
    )


def find_inadmissible(complaint: Complaint, ground: InadmissibilityGround, motivation: str) -> None:
    """CMP-1, CMP-4: a written, motivated answer, and the file is closed."""
    complaint.check("find_inadmissible")
    letter = complaint.letter(
        "inadmissibility", received_on=complaint.received_on, ground=ground, motivation=motivation
    )
    cid = complaint.complaint_id
    complaint.record(
        ComplaintFoundInadmissible(complaint_id=cid, ground=ground, motivation=motivation),
        letter,
        ComplaintClosed(complaint_id=cid, outcome="inadmissible"),
    )


def request_information(complaint: Complaint, question: str, now: datetime) -> None:
    """The file waits on the complainant; the status-message clock keeps the days left."""
    complaint.check("request_information")
    letter = complaint.letter("information_request", question=question)
    days_left = complaint.clock.days_left_on(brussels_day(now))
    requested = InformationRequested(
        complaint_id=complaint.complaint_id, question=question, status_update_days_left=days_left
    )
    complaint.record(requested, letter)


def receive_information(complaint: Complaint, summary: str | None, now: datetime) -> None:
    complaint.check("receive_information")
    due = complaint.clock.resumed_due(brussels_day(now))
    complaint.record(
        InformationReceived(
            complaint_id=complaint.complaint_id, summary=summary, status_update_due_on=due
        )
    )


def send_status_update(complaint: Complaint, note: str, now: datetime) -> None:
    """CMP-5: a status message starts a new 3-week period."""
    complaint.check("send_status_update")
    letter = complaint.letter("status", note=note)
    clock = complaint.clock
    due = clock.restarted_due(brussels_day(now))
    sent = StatusUpdateSent(
        complaint_id=complaint.complaint_id, period=clock.period, next_due_on=due
    )
    complaint.record(sent, letter)


def answer(
    complaint: Complaint, verdict: Verdict, motivation: str, advice: str | None, mediator: str
) -> None:
    """CMP-6. `mediator`: how to reach the national complaints mediator, which the answer
    ends with (seed 004, step 6)."""
    complaint.check("answer")
    letter = complaint.letter(
        "answer", verdict=verdict, motivation=motivation, advice=advice, mediator=mediator
    )
    answered = ComplaintAnswered(
        complaint_id=complaint.complaint_id, verdict=verdict, motivation=motivation, advice=advice
    )
    complaint.record(answered, letter)


def escalate(complaint: Complaint, disagreement: str) -> None:
    """CMP-7: the complainant disagrees with the fund's answer."""
    complaint.check("escalate")
    if not complaint.answered_by_fund:
        raise ComplaintRefused(
            f"complaint {complaint.file_number} was found inadmissible; only the fund's answer "
            "can be taken to the mediator"
        )
    if complaint.escalated:
        raise ComplaintRefused(
            f"the mediator already re-examined complaint {complaint.file_number}"
        )
    complaint.record(
        ComplaintEscalatedToMediator(complaint_id=complaint.complaint_id, disagreement=disagreement)
    )


def answer_as_mediator(
    complaint: Complaint, verdict: Verdict, motivation: str, advice: str | None
) -> None:
    complaint.check("answer_as_mediator")
    letter = complaint.letter(
        "mediator_answer", sender="mediator", verdict=verdict, motivation=motivation, advice=advice
    )
    answered = MediatorAnswered(
        complaint_id=complaint.complaint_id, verdict=verdict, motivation=motivation, advice=advice
    )
    complaint.record(answered, letter)


def close(complaint: Complaint) -> None:
    """CMP-8, with the last answer's verdict as the outcome."""
    complaint.check("close")
    complaint.record(
        ComplaintClosed(complaint_id=complaint.complaint_id, outcome=complaint.outcome)
    )


def record_recommendation(complaint: Complaint, recommendation: str) -> None:
    """CMP-9."""
    complaint.check("record_recommendation")
    complaint.record(
        RecommendationRecorded(complaint_id=complaint.complaint_id, recommendation=recommendation)
    )
