"""Where a complaint stands in the procedure of seed 004, and which step may follow which.

    registered ─▶ acknowledged ─▶ under analysis ⇄ waiting for information
        └──────────────┴─▶ closed (inadmissible)   │ answer (from either)
                                                   ▼
                                               answered ─▶ closed
                                                   │ escalate (from closed too, once)
                                                   ▼
                           with the mediator ─▶ answered by the mediator ─▶ closed

`STEPS` says from where each step may be taken; the event a step records sets where the
complaint then stands (complaint.py). A recommendation (CMP-9) may be recorded on any
complaint that was handled, closed included."""

from __future__ import annotations

from enum import StrEnum

from shared.refusal import Refused


class Status(StrEnum):
    REGISTERED = "registered"
    ACKNOWLEDGED = "acknowledged"
    UNDER_ANALYSIS = "under_analysis"
    WAITING_FOR_INFORMATION = "waiting_for_information"
    ANSWERED = "answered"
    WITH_MEDIATOR = "with_mediator"
    MEDIATOR_ANSWERED = "mediator_answered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " "))


_LABELS = {
    Status.WITH_MEDIATOR: "with the mediator",
    Status.MEDIATOR_ANSWERED: "answered by the mediator",
}

S = Status
HANDLED = frozenset(set(S) - {S.REGISTERED, S.ACKNOWLEDGED})

# step → (the statuses it may be taken from, how a refusal names it)
STEPS: dict[str, tuple[frozenset[Status], str]] = {
    "acknowledge": (frozenset({S.REGISTERED}), "be acknowledged"),
    "find_admissible": (frozenset({S.ACKNOWLEDGED}), "be found admissible"),
    # An inadmissible complaint may be answered at once: that answer tells the file number.
    "find_inadmissible": (frozenset({S.REGISTERED, S.ACKNOWLEDGED}), "be found inadmissible"),
    "request_information": (frozenset({S.UNDER_ANALYSIS}), "wait for information"),
    "receive_information": (frozenset({S.WAITING_FOR_INFORMATION}), "receive information"),
    "send_status_update": (frozenset({S.UNDER_ANALYSIS}), "get a status message"),
    # Without the complainant's information the handler still answers, on what they have.
    "answer": (frozenset({S.UNDER_ANALYSIS, S.WAITING_FOR_INFORMATION}), "be answered"),
    # Closed after the fund's answer, a complaint can still go to the mediator once.
    "escalate": (frozenset({S.ANSWERED, S.CLOSED}), "go to the mediator"),
    "answer_as_mediator": (frozenset({S.WITH_MEDIATOR}), "get the mediator's answer"),
    "close": (frozenset({S.ANSWERED, S.MEDIATOR_ANSWERED}), "be closed"),
    "record_recommendation": (HANDLED, "get a recommendation"),
    "assign": (frozenset(set(S) - {S.CLOSED}), "be assigned"),
}


class IllegalTransition(Refused):
    """The step does not follow from where the complaint stands; nothing changed."""


def check(step: str, status: Status, file_number: str) -> None:
    allowed, action = STEPS[step]
    if status not in allowed:
        ordered = [s.label for s in Status if s in allowed]
        raise IllegalTransition(
            f"complaint {file_number} is {status.label}; only a complaint that is "
            f"{_either(ordered)} can {action}"
        )


def _either(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
