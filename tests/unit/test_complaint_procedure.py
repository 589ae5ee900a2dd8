"""The eight steps of seed 004 as a state machine (CMP-1 … CMP-9): the full path, every step
refused where it does not follow, and refusals that change nothing."""

from __future__ import annotations

import copy
from datetime import timedelta
from functools import partial

import pytest

from services.complaints.domain import procedure
from services.complaints.domain.complaint import ComplaintRefused
from services.complaints.domain.status import STEPS, IllegalTransition, Status
from tests.support.complaints import MEDIATOR, RECEIVED, in_status, registered, taken

DAY = timedelta(days=1)


def types(events) -> list[str]:
    return [e.type_name for e in events]


LETTER = "ComplaintLetterSent"

# step, the events it records, where the complaint then stands
FULL_PATH = [
    (partial(procedure.assign, handler="handler-1"), ["ComplaintAssigned"], Status.REGISTERED),
    (procedure.acknowledge, ["ComplaintAcknowledged", LETTER], Status.ACKNOWLEDGED),
    (
        partial(procedure.find_admissible, category="reimbursement", now=RECEIVED),
        ["ComplaintFoundAdmissible"],
        Status.UNDER_ANALYSIS,
    ),
    (
        partial(procedure.request_information, question="Which month?", now=RECEIVED),
        ["InformationRequested", LETTER],
        Status.WAITING_FOR_INFORMATION,
    ),
    (
        partial(procedure.receive_information, summary="March", now=RECEIVED + DAY),
        ["InformationReceived"],
        Status.UNDER_ANALYSIS,
    ),
    (
        partial(procedure.send_status_update, note="Checking.", now=RECEIVED + DAY),
        ["StatusUpdateSent", LETTER],
        Status.UNDER_ANALYSIS,
    ),
    (
        partial(
            procedure.answer,
            verdict="unfounded",
            motivation="Paid right.",
            advice=None,
            mediator=MEDIATOR,
        ),
        ["ComplaintAnswered", LETTER],
        Status.ANSWERED,
    ),
    (
        partial(procedure.escalate, disagreement="I disagree."),
        ["ComplaintEscalatedToMediator"],
        Status.WITH_MEDIATOR,
    ),
    (
        partial(
            procedure.answer_as_mediator,
            verdict="partly_founded",
            motivation="Partly.",
            advice="Ask for a receipt.",
        ),
        ["MediatorAnswered", LETTER],
        Status.MEDIATOR_ANSWERED,
    ),
    (procedure.close, ["ComplaintClosed"], Status.CLOSED),
    (
        partial(procedure.record_recommendation, recommendation="Explain tariffs."),
        ["RecommendationRecorded"],
        Status.CLOSED,
    ),
]


def test_cmp2_to_cmp9_the_full_procedure_from_registration_to_recommendation():
    complaint = registered()

    for step, recorded, status in FULL_PATH:
        assert (types(taken(complaint, step)), complaint.status) == (recorded, status)

    # The mediator's verdict is the last word.
    assert complaint.pending[-2].outcome == "partly_founded"


def test_cmp8_closing_after_the_funds_answer_keeps_its_verdict():
    complaint = in_status(Status.ANSWERED)

    [closed] = taken(complaint, procedure.close)

    assert closed.outcome == "founded"


def test_cmp7_a_closed_answered_complaint_can_still_go_to_the_mediator_once():
    complaint = in_status(Status.CLOSED)

    taken(complaint, lambda c: procedure.escalate(c, "I only now read the answer."))
    procedure.answer_as_mediator(complaint, "unfounded", "Re-examined.", None)
    procedure.close(complaint)

    with pytest.raises(ComplaintRefused, match="already re-examined"):
        procedure.escalate(complaint, "Again.")


# Each step with arguments that would be accepted where the step does follow.
STEP_CALLS = {
    "assign": lambda c: procedure.assign(c, "handler-2"),
    "acknowledge": procedure.acknowledge,
    "find_admissible": lambda c: procedure.find_admissible(c, "benefits", RECEIVED),
    "find_inadmissible": lambda c: procedure.find_inadmissible(c, "unrelated_to_fund", "No."),
    "request_information": lambda c: procedure.request_information(c, "Date?", RECEIVED),
    "receive_information": lambda c: procedure.receive_information(c, None, RECEIVED),
    "send_status_update": lambda c: procedure.send_status_update(c, "Busy.", RECEIVED),
    "answer": lambda c: procedure.answer(c, "founded", "Yes.", None, MEDIATOR),
    "escalate": lambda c: procedure.escalate(c, "No."),
    "answer_as_mediator": lambda c: procedure.answer_as_mediator(c, "founded", "Yes.", None),
    "close": procedure.close,
    "record_recommendation": lambda c: procedure.record_recommendation(c, "Do better."),
}

ILLEGAL = [
    (step, status)
    for step, (allowed, _) in STEPS.items()
    for status in Status
    if status not in allowed
]
# In the order Status lists them, not a set's: parallel test workers must collect the same ids.
LEGAL = [
    (step, status) for step, (allowed, _) in STEPS.items() for status in Status if status in allowed
]


def test_cmp2_to_cmp9_every_step_of_the_table_is_exercised():
    assert set(STEP_CALLS) == set(STEPS)


@pytest.mark.parametrize(("step", "status"), ILLEGAL, ids=[f"{s}-from-{t}" for s, t in ILLEGAL])
def test_cmp2_to_cmp9_an_illegal_step_is_refused_with_a_reason_and_changes_nothing(step, status):
    complaint = in_status(status)
    before = copy.deepcopy(complaint)

    with pytest.raises(IllegalTransition) as refused:
        STEP_CALLS[step](complaint)

    assert str(refused.value).startswith(f"complaint {complaint.file_number} is {status.label}")
    assert complaint == before and complaint.pending == []


@pytest.mark.parametrize(("step", "status"), LEGAL, ids=[f"{s}-from-{t}" for s, t in LEGAL])
def test_cmp2_to_cmp9_every_legal_step_records_its_events(step, status):
    complaint = in_status(status)

    STEP_CALLS[step](complaint)

    assert complaint.pending


def test_cmp6_the_refusal_names_the_statuses_the_step_needs():
    complaint = in_status(Status.CLOSED)

    with pytest.raises(IllegalTransition) as refused:
        procedure.answer(complaint, "founded", "Yes.", None, MEDIATOR)

    assert str(refused.value) == (
        f"complaint {complaint.file_number} is closed; only a complaint that is under analysis "
        "or waiting for information can be answered"
    )


def test_cmp7_an_inadmissible_complaint_cannot_go_to_the_mediator():
    complaint = registered()
    procedure.find_inadmissible(complaint, "unrelated_to_fund", "About the hospital's parking.")

    with pytest.raises(ComplaintRefused, match="found inadmissible"):
        procedure.escalate(complaint, "I disagree.")


def test_cmp9_admissibility_needs_a_category_for_the_report():
    complaint = in_status(Status.ACKNOWLEDGED)

    with pytest.raises(ComplaintRefused, match="category"):
        procedure.find_admissible(complaint, None, RECEIVED)
    procedure.find_admissible(complaint, "service", RECEIVED)

    assert complaint.category == "service"


def test_cmp9_a_category_given_at_registration_is_kept():
    complaint = in_status(Status.ACKNOWLEDGED, category="privacy")

    procedure.find_admissible(complaint, None, RECEIVED)

    assert complaint.pending[-1].category == "privacy"


def test_cmp12_assigning_the_same_handler_again_is_refused():
    complaint = registered()
    procedure.assign(complaint, "handler-1")

    with pytest.raises(ComplaintRefused, match="already assigned to handler-1"):
        procedure.assign(complaint, "handler-1")
