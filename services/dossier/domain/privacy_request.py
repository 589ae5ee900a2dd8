"""A person's request to exercise a right over their personal data (DOS-12; seed 002 §7; GDPR
art. 12-22), as its history made it: received with its deadline, then answered (granted or
refused by member services, or by the copy of the person's data for an access request), or
overdue first. Pure: the handlers give it the ids and the day of receipt.

The deadline (GDPR art. 12(3)): one month from receipt, a calendar month: the day with the
same number in the next month, or that month's last day when it has no such day (received on
31 January → due on 28 or 29 February; 30 April → 30 May). The day of receipt is the day in
Brussels when the dossier records the request; it is on time if answered before the end of its
due day in Brussels. No working days, unlike the complaints' deadlines (CMP-3, CMP-5): the
GDPR counts in calendar months, not in working days. Regulation 1182/71 on periods (which the
EDPB's guidelines on the right of access apply) would move a month that ends on a Saturday,
Sunday or public holiday to the next working day; the fund does not take that extra time, so
its deadline is never later than the law's and an answer by it is on time under either
reading. A request still unanswered when its due day is over is overdue (once); it can still
be answered, late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from shared.aggregate import Aggregate
from shared.contracts import Event
from shared.contracts.privacy import (
    AutomatedDecision,
    PersonalDataRequested,
    PrivacyRequestAnswered,
    PrivacyRequestOverdue,
    PrivacyRequestReceived,
    Right,
)
from shared.privacy.retention import BRUSSELS, Period
from shared.refusal import Refused

ONE_MONTH = Period(months=1)


def due_on(received_on: date) -> date:
    """The last day on which a request received on `received_on` is answered on time."""
    return ONE_MONTH.after(received_on)


def overdue_at(due: date) -> datetime:
    """When a request due on `due` becomes overdue: midnight at the end of that day, in
    Brussels."""
    return datetime.combine(due + timedelta(days=1), time.min, BRUSSELS)


class PrivacyRequestError(Refused):
    """A step the request refuses, with a reason fit for member services and the person."""


@dataclass
class PrivacyRequest(Aggregate):
    request_id: str
    person_id: str | None = None
    right: Right | None = None
    decision: AutomatedDecision | None = None
    due: date | None = None
    outcome: str | None = None  # exported | granted | refused, once answered
    overdue: bool = False

    @classmethod
    def stream(cls, request_id: str) -> str:
        return f"privacy-request-{request_id}"

    @property
    def answered(self) -> bool:
        return self.outcome is not None

    def submit(
        self,
        person_id: str,
        right: Right,
        received_on: date,
        details: str | None = None,
        decision: AutomatedDecision | None = None,
    ) -> None:
        """Receives the request on `received_on` (the day in Brussels); an access request also
        asks every service holding personal data for its part of the copy."""
        if not self.is_new:
            raise PrivacyRequestError(f"request {self.request_id!r} was received already")
        if right == "human_review" and decision is None:
            raise PrivacyRequestError("a human review names the automated decision to review")
        if right != "human_review" and decision is not None:
            raise PrivacyRequestError("only a request for a human review names a decision")
        self.record(
            PrivacyRequestReceived(
                request_id=self.request_id,
                person_id=person_id,
                right=right,
                details=details,
                decision=decision,
                due_on=due_on(received_on),
            )
        )
        if right == "access":
            self.record(PersonalDataRequested(request_id=self.request_id, person_id=person_id))

    def answer(self, granted: bool, motivation: str) -> None:
        """Member services' answer to a request other than access (GDPR art. 12(4): a refusal
        says why)."""
        self._still_open()
        if self.right == "access":
            raise PrivacyRequestError(
                "an access request is answered by the copy of the person's data, not by hand"
            )
        self.record(
            PrivacyRequestAnswered(
                request_id=self.request_id,
                person_id=self.person_id,
                outcome="granted" if granted else "refused",
                motivation=motivation,
            )
        )

    def rectified(self, person_id: str, what: str) -> None:
        """A change of the person's data made for this rectification request (GDPR art. 16),
        in the same transaction: the request is answered, granted."""
        self._still_open()
        if self.right != "rectification" or self.person_id != person_id:
            raise PrivacyRequestError(
                f"{self.request_id!r} is no open rectification request of this person"
            )
        self.answer(granted=True, motivation=f"rectified: {what}")

    def exported(self) -> None:
        """Every service's part of the copy is in: the access request is answered. Once: a
        part delivered again changes nothing."""
        if self.is_new or self.right != "access":
            raise PrivacyRequestError("only an access request is answered by a copy")
        if not self.answered:
            self.record(
                PrivacyRequestAnswered(
                    request_id=self.request_id, person_id=self.person_id, outcome="exported"
                )
            )

    def miss(self) -> None:
        """The due day is over (the deadline's timer): overdue, once, if still unanswered."""
        if not self.is_new and not self.answered and not self.overdue:
            self.record(
                PrivacyRequestOverdue(
                    request_id=self.request_id, person_id=self.person_id, due_on=self.due
                )
            )

    def _still_open(self) -> None:
        if self.is_new:
            raise PrivacyRequestError(f"no privacy request {self.request_id!r}")
        if self.answered:
            raise PrivacyRequestError(f"this request was answered already ({self.outcome})")

    def apply(self, event: Event) -> None:
        match event:
            case PrivacyRequestReceived():
                self.person_id, self.right = event.person_id, event.right
                self.decision, self.due = event.decision, event.due_on
            case PrivacyRequestAnswered(outcome=outcome):
                self.outcome = outcome
            case PrivacyRequestOverdue():
                self.overdue = True
