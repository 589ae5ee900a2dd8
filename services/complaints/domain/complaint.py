"""The complaint as its history made it: where it stands in the procedure, who handles it,
what it owes the complainant and by when. It is opened by filing.py; the steps that change it
are in procedure.py (what staff, the complainant and the mediator do) and overdue.py (what the
deadlines do); each checks the status first, writes the letter, then `record`s its events.
Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.complaints.domain import letters
from services.complaints.domain.deadlines import ACKNOWLEDGEMENT_PERIOD, brussels_day, due_day
from services.complaints.domain.duties import Duty, StatusClock
from services.complaints.domain.status import Status, check
from shared.aggregate import Aggregate
from shared.contracts import Event
from shared.contracts.complaints import (
    Category,
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
    LetterKind,
    MediatorAnswered,
    StatusUpdateOverdue,
    StatusUpdateSent,
)
from shared.refusal import Refused


class ComplaintRefused(Refused):
    """A step refused for a rule of the procedure other than the order of the steps."""


@dataclass
class Complaint(Aggregate):
    complaint_id: str
    # None until registered (filing.py): the properties below are for a registered complaint.
    registration: ComplaintRegistered | None = None
    status: Status = Status.REGISTERED
    assignee: str | None = None
    category: Category | None = None
    outcome: str | None = None
    answered_by_fund: bool = False
    escalated: bool = False
    clock: StatusClock | None = None
    complainant_erased: bool = False

    @classmethod
    def stream(cls, complaint_id: str) -> str:
        return f"complaint-{complaint_id}"

    @property
    def file_number(self) -> str:
        return self.registration.file_number

    @property
    def complainant_person(self) -> str | None:
        return self.registration.complainant_person

    @property
    def received_on(self) -> date:
        return brussels_day(self.registration.received_at)

    @property
    def duty(self) -> Duty | None:
        """What the handler owes the complainant now, if anything (CMP-3, CMP-5)."""
        if self.status is Status.REGISTERED:
            due = due_day(self.registration.received_at, ACKNOWLEDGEMENT_PERIOD)
            return Duty("acknowledgement", 1, due)
        if self.status is Status.UNDER_ANALYSIS:
            return self.clock.duty
        return None

    def check(self, step: str) -> None:
        check(step, self.status, self.file_number)

    def letter(self, kind: LetterKind, **fields) -> ComplaintLetterSent:
        """The letter of `kind` to this complainant; refused if the text would ask for a
        password or code (ID-10)."""
        registration = self.registration
        name = None if registration.anonymous else registration.complainant_name
        letter = letters.render(
            kind, registration.language, name, file_number=self.file_number, **fields
        )
        return ComplaintLetterSent(
            complaint_id=self.complaint_id,
            file_number=self.file_number,
            kind=letter.kind,
            language=letter.language,
            text=letter.text,
            standard=letter.standard,
        )

    def erase_complainant(self) -> None:
        """The complainant was erased (DOS-12); the caller shreds the complaint's keys. Once
        is enough: an erased complainant stays erased."""
        if not self.complainant_erased:
            self.record(ComplainantErased(complaint_id=self.complaint_id))

    def apply(self, event: Event) -> None:
        match event:
            case ComplainantErased():
                self.complainant_erased = True
            case ComplaintRegistered(category=category):
                self.registration, self.category = event, category
            case ComplaintAssigned(handler=handler):
                self.assignee = handler
            case ComplaintAcknowledged():
                self.status = Status.ACKNOWLEDGED
            case ComplaintFoundAdmissible(category=category, status_update_due_on=due):
                self.status, self.category = Status.UNDER_ANALYSIS, category
                self.clock = StatusClock(1, due)
            case ComplaintFoundInadmissible():
                self.outcome = "inadmissible"
            case InformationRequested(status_update_days_left=days_left):
                self.status = Status.WAITING_FOR_INFORMATION
                self.clock = self.clock.paused(days_left)
            case InformationReceived(status_update_due_on=due):
                self.status, self.clock = Status.UNDER_ANALYSIS, self.clock.next(due)
            case StatusUpdateSent(next_due_on=due) | StatusUpdateOverdue(next_due_on=due):
                self.clock = self.clock.next(due)
            case ComplaintAnswered(verdict=verdict):
                self.status, self.outcome, self.clock = Status.ANSWERED, verdict, None
                self.answered_by_fund = True
            case ComplaintEscalatedToMediator():
                self.status, self.escalated = Status.WITH_MEDIATOR, True
            case MediatorAnswered(verdict=verdict):
                self.status, self.outcome = Status.MEDIATOR_ANSWERED, verdict
            case ComplaintClosed():
                self.status = Status.CLOSED
