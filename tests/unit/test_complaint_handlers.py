"""Issue 9, item 1: the complaints handlers on the in-memory unit of work. Every command, taken
when the procedure allows it (its events in the complaint's stream with who sent it, the
deadline timers following what the complaint owes) and refused when it does not (nothing
stored); the reminder and deadline timers fired as the scheduler fires them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.complaints import deadline_timers, erasure
from services.complaints.domain.deadlines import BRUSSELS
from services.complaints.file_numbers import FileNumbers
from services.complaints.handlers import HANDLERS
from shared.access.persons import Persons
from shared.clock import FakeClock
from shared.contracts import Actor, Command, CommandEnvelope, Event, EventEnvelope
from shared.contracts.dossier import PersonErased, RetentionEnded
from shared.contracts.complaints import (
    AcknowledgeComplaint,
    AnswerAsMediator,
    AnswerComplaint,
    AssignComplaint,
    CloseComplaint,
    DecideAdmissibility,
    EscalateToMediator,
    ReceiveInformation,
    RecordRecommendation,
    RegisterComplaint,
    RequestInformation,
    SendStatusUpdate,
)
from shared.eventstore.memory import InMemoryEventStore
from shared.messaging.commands import CommandContext
from shared.refusal import Refused
from tests.support import dossier
from tests.support.dossier import insz
from tests.support.fakes import FakeFileNumbers, FakePersons
from tests.support.procedure import MEDIATOR
from tests.support.staff import HANDLER

# Monday 2 March 2026: the acknowledgement is due on Tuesday 10 March (CMP-3); found
# admissible that day, the first status message on Monday 23 March (CMP-5).
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ELS, BRAM = insz(date(1985, 7, 30), 33), insz(date(1990, 2, 1), 45)
ELS_LOGIN = Actor(account_id="account-els", role="member", authenticated_by="itsme")
BRAM_LOGIN = Actor(account_id="account-bram", role="member", authenticated_by="itsme")
STRANGER = Actor(account_id="account-nobody", role="member", authenticated_by="itsme")


def brussels(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BRUSSELS)


def types(envelopes: list[EventEnvelope]) -> list[str]:
    return [e.type for e in envelopes]


class Office:
    """The complaints service's handlers on an in-memory store, as the bus and the timer
    scheduler call them."""

    def __init__(self) -> None:
        self.clock = FakeClock(NOW)
        self.file_numbers = FakeFileNumbers()
        persons = FakePersons({ELS_LOGIN.account_id: ELS, BRAM_LOGIN.account_id: BRAM})
        self.store = InMemoryEventStore(
            "complaints", views={Persons: persons, FileNumbers: self.file_numbers}
        )

    async def do(self, command: Command, actor: Actor = HANDLER) -> list[EventEnvelope]:
        """The events the command stored."""
        envelope = CommandEnvelope(
            type=command.type_name,
            payload=command.model_dump(mode="json"),
            issued_at=self.clock.now(),
        )
        async with self.store.unit_of_work(self.clock) as uow:
            await HANDLERS[type(command)](command, CommandContext(uow, envelope, actor))
            stored = list(uow.appended)
            await uow.commit()
        return stored

    async def refused(self, command: Command, actor: Actor = HANDLER) -> str:
        """Why the command was refused; it stored nothing and changed no timer."""
        before = self.stored()
        with pytest.raises(Refused) as refusal:
            await self.do(command, actor)
        assert self.stored() == before
        return str(refusal.value)

    def stored(self) -> tuple:
        timers = [self.store.timers(status) for status in ("scheduled", "cancelled", "fired")]
        return self.store.events(), timers, dict(self.file_numbers.known)

    async def register(self, actor: Actor = HANDLER, **fields) -> str:
        body = {"complainant_name": "Els Peeters", "subject": "Refund", "description": "…"}
        [_, registered] = await self.do(RegisterComplaint(**body | fields), actor)
        return registered.payload["file_number"]

    async def analysing(self, **fields) -> str:
        """A complaint found admissible today: under analysis, a status message due."""
        file_number = await self.register(**fields)
        await self.do(AcknowledgeComplaint(file_number=file_number))
        await self.do(
            DecideAdmissibility(file_number=file_number, admissible=True, category="reimbursement")
        )
        return file_number

    async def answered(self, **fields) -> str:
        file_number = await self.analysing(**fields)
        await self.do(AnswerComplaint(file_number=file_number, verdict="founded", motivation="…"))
        return file_number

    async def with_mediator(self) -> str:
        file_number = await self.answered(complainant_person=ELS)
        await self.do(EscalateToMediator(file_number=file_number, disagreement="Too little."))
        return file_number

    async def on_dossier_event(self, event: Event) -> None:
        async with self.store.unit_of_work(self.clock) as uow:
            await erasure.apply_dossier_event(uow, dossier.envelope(event, "b-1"))
            await uow.commit()

    def stream(self, file_number: str) -> list[EventEnvelope]:
        return self.store.events(f"complaint-{self.file_numbers.known[file_number]}")

    def timers(self, status: str = "scheduled") -> set[tuple[str, datetime]]:
        return {(t.kind, t.due_at) for t in self.store.timers(status)}

    async def fire(self, kind: str) -> list[EventEnvelope]:
        """Fires the scheduled timer of `kind` at its time; the events it stored."""
        [timer] = [t for t in self.store.timers() if t.kind == kind]
        self.clock.set(timer.due_at)
        async with self.store.unit_of_work(self.clock) as uow:
            assert await uow.claim_timer(timer.timer_id)
            await deadline_timers.HANDLERS[kind](timer, uow)
            stored = list(uow.appended)
            await uow.commit()
        return stored


REMIND, DEADLINE = deadline_timers.REMIND, deadline_timers.DEADLINE
# CMP-3: reminded on the second working day before Tuesday 10 March, late from its midnight.
ACKNOWLEDGEMENT_TIMERS = {
    (REMIND, brussels("2026-03-06", 8)),
    (DEADLINE, brussels("2026-03-11")),
}
# CMP-5: the first status message is due 3 weeks after the analysis started, Monday 23 March.
STATUS_TIMERS = {(REMIND, brussels("2026-03-19", 8)), (DEADLINE, brussels("2026-03-24"))}


@pytest.fixture
def office() -> Office:
    return Office()


# RegisterComplaint (CMP-2, CMP-3, CMP-11)


async def test_cmp2_cmp3_a_complaint_gets_the_next_number_and_its_acknowledgement_timers(office):
    first = await office.register()

    issued, registered = await office.do(
        RegisterComplaint(complainant_name="Jan Janssens", subject="Card", description="…")
    )

    assert (first, registered.payload["file_number"]) == ("2026-000001", "2026-000002")
    assert (issued.type, issued.stream_id, issued.payload["sequence"]) == (
        "ComplaintFileNumberIssued",
        "complaint-register-2026",
        2,
    )
    complaint_id = issued.payload["complaint_id"]
    assert (registered.type, registered.stream_id) == (
        "ComplaintRegistered",
        f"complaint-{complaint_id}",
    )
    assert issued.actor == registered.actor == HANDLER
    assert office.file_numbers.known["2026-000002"] == complaint_id
    assert [(t.kind, t.due_at) for t in office.store.timers() if complaint_id in t.timer_id] == [
        (REMIND, brussels("2026-03-06", 8)),
        (DEADLINE, brussels("2026-03-11")),
    ]


async def test_cmp11_a_member_files_a_complaint_in_their_own_name_through_the_portal(office):
    file_number = await office.register(ELS_LOGIN)

    [registered] = office.stream(file_number)
    assert (registered.payload["complainant_person"], registered.payload["channel"]) == (
        ELS,
        "portal",
    )
    assert registered.actor == ELS_LOGIN and office.timers() == ACKNOWLEDGEMENT_TIMERS


async def test_cmp11_an_account_that_is_no_members_files_no_complaint(office):
    reason = await office.refused(
        RegisterComplaint(complainant_name="X", subject="Refund", description="…"), STRANGER
    )

    assert "no member's" in reason


async def test_cmp3_a_complaint_received_in_the_future_is_not_registered(office):
    tomorrow = NOW + timedelta(days=1)

    reason = await office.refused(
        RegisterComplaint(
            complainant_name="Els Peeters", subject="Refund", description="…", received_at=tomorrow
        )
    )

    assert "in the future" in reason


# AssignComplaint (CMP-12: the reminders name the handler)


async def test_cmp12_a_complaint_is_assigned_to_a_handler_without_moving_its_deadlines(office):
    file_number = await office.register()

    [assigned] = await office.do(AssignComplaint(file_number=file_number, handler="handler-7"))

    assert (assigned.type, assigned.payload["handler"], assigned.actor) == (
        "ComplaintAssigned",
        "handler-7",
        HANDLER,
    )
    assert office.timers() == ACKNOWLEDGEMENT_TIMERS and office.timers("cancelled") == set()


async def test_a_complaint_is_not_assigned_twice_to_the_same_handler(office):
    file_number = await office.register()
    await office.do(AssignComplaint(file_number=file_number, handler="handler-7"))

    reason = await office.refused(AssignComplaint(file_number=file_number, handler="handler-7"))

    assert "already assigned" in reason


async def test_cmp2_a_command_naming_no_registered_file_number_is_refused(office):
    await office.register()

    reason = await office.refused(AssignComplaint(file_number="2026-000099", handler="h-7"))

    assert reason == "no complaint with file number 2026-000099"


# AcknowledgeComplaint (CMP-2, CMP-3)


async def test_cmp3_the_acknowledgement_tells_the_file_number_and_ends_its_deadline(office):
    file_number = await office.register()

    acknowledged, letter = await office.do(AcknowledgeComplaint(file_number=file_number))

    assert (acknowledged.type, letter.type) == ("ComplaintAcknowledged", "ComplaintLetterSent")
    assert letter.payload["kind"] == "acknowledgement" and file_number in letter.payload["text"]
    assert acknowledged.actor == letter.actor == HANDLER
    assert office.timers() == set() and office.timers("cancelled") == ACKNOWLEDGEMENT_TIMERS


async def test_cmp3_a_complaint_is_acknowledged_once(office):
    file_number = await office.register()
    await office.do(AcknowledgeComplaint(file_number=file_number))

    reason = await office.refused(AcknowledgeComplaint(file_number=file_number))

    assert "only a complaint that is registered can be acknowledged" in reason


# DecideAdmissibility (CMP-1, CMP-4, CMP-5)


async def test_cmp4_cmp5_an_admissible_complaint_gets_a_status_message_due_in_3_weeks(office):
    file_number = await office.register()
    await office.do(AcknowledgeComplaint(file_number=file_number))

    [admissible] = await office.do(
        DecideAdmissibility(file_number=file_number, admissible=True, category="reimbursement")
    )

    assert admissible.type == "ComplaintFoundAdmissible" and admissible.actor == HANDLER
    assert admissible.payload["status_update_due_on"] == "2026-03-23"
    assert office.timers() == STATUS_TIMERS


async def test_cmp1_cmp4_an_inadmissible_complaint_is_answered_and_closed_at_once(office):
    file_number = await office.register()

    stored = await office.do(
        DecideAdmissibility(
            file_number=file_number,
            admissible=False,
            ground="unrelated_to_fund",
            motivation="This is about your hospital.",
        )
    )

    assert types(stored) == ["ComplaintFoundInadmissible", "ComplaintLetterSent", "ComplaintClosed"]
    assert stored[1].payload["kind"] == "inadmissibility"
    assert office.timers() == set() and office.timers("cancelled") == ACKNOWLEDGEMENT_TIMERS


async def test_cmp1_an_anonymous_complaint_is_not_found_admissible(office):
    file_number = await office.register(anonymous=True)
    await office.do(AcknowledgeComplaint(file_number=file_number))

    reason = await office.refused(
        DecideAdmissibility(file_number=file_number, admissible=True, category="reimbursement")
    )

    assert "anonymous" in reason


# RequestInformation, ReceiveInformation (CMP-5: the clock pauses and runs on)


async def test_cmp5_asking_the_complainant_for_information_pauses_the_status_clock(office):
    file_number = await office.analysing()

    requested, letter = await office.do(
        RequestInformation(file_number=file_number, question="Which month?")
    )

    assert (requested.type, letter.payload["kind"]) == (
        "InformationRequested",
        "information_request",
    )
    assert requested.payload["status_update_days_left"] == 21 and requested.actor == HANDLER
    assert office.timers() == set() and office.timers("cancelled") >= STATUS_TIMERS


async def test_cmp5_information_is_asked_for_only_during_the_analysis(office):
    file_number = await office.register()

    reason = await office.refused(RequestInformation(file_number=file_number, question="Which?"))

    assert "can wait for information" in reason


async def test_cmp5_the_information_received_restarts_the_clock_with_the_days_left(office):
    file_number = await office.analysing()
    await office.do(RequestInformation(file_number=file_number, question="Which month?"))
    office.clock.set(brussels("2026-03-09", 10))

    [received] = await office.do(ReceiveInformation(file_number=file_number, summary="March."))

    # 21 days left, counted from Monday 9 March.
    assert received.type == "InformationReceived" and received.actor == HANDLER
    assert received.payload["status_update_due_on"] == "2026-03-30"
    assert office.timers() == {
        (REMIND, brussels("2026-03-26", 8)),
        (DEADLINE, brussels("2026-03-31")),
    }


async def test_cmp5_information_nobody_asked_for_is_not_received(office):
    file_number = await office.analysing()

    reason = await office.refused(ReceiveInformation(file_number=file_number))

    assert "can receive information" in reason


# SendStatusUpdate (CMP-5)


async def test_cmp5_a_status_message_starts_a_new_3_week_period(office):
    file_number = await office.analysing()
    office.clock.set(brussels("2026-03-09", 10))

    sent, letter = await office.do(SendStatusUpdate(file_number=file_number, note="Analysing."))

    assert (sent.type, sent.payload["period"], sent.payload["next_due_on"]) == (
        "StatusUpdateSent",
        1,
        "2026-03-30",
    )
    assert letter.payload["kind"] == "status" and letter.actor == HANDLER
    assert office.timers("cancelled") >= STATUS_TIMERS
    assert office.timers() == {
        (REMIND, brussels("2026-03-26", 8)),
        (DEADLINE, brussels("2026-03-31")),
    }


async def test_cmp5_no_status_message_while_waiting_for_the_complainant(office):
    file_number = await office.analysing()
    await office.do(RequestInformation(file_number=file_number, question="Which month?"))

    reason = await office.refused(SendStatusUpdate(file_number=file_number, note="Waiting."))

    assert "can get a status message" in reason


# AnswerComplaint (CMP-6)


async def test_cmp6_the_answer_is_motivated_names_the_mediator_and_ends_the_status_clock(office):
    file_number = await office.analysing()

    answered, letter = await office.do(
        AnswerComplaint(
            file_number=file_number, verdict="founded", motivation="We paid too little."
        )
    )

    assert (answered.type, answered.payload["verdict"], answered.actor) == (
        "ComplaintAnswered",
        "founded",
        HANDLER,
    )
    assert letter.payload["kind"] == "answer" and "We paid too little." in letter.payload["text"]
    assert office.timers() == set() and office.timers("cancelled") >= STATUS_TIMERS


async def test_cmp6_a_complaint_is_answered_only_once_analysed(office):
    file_number = await office.register()

    reason = await office.refused(
        AnswerComplaint(file_number=file_number, verdict="founded", motivation="…")
    )

    assert "can be answered" in reason


# EscalateToMediator (CMP-7, CMP-10)


async def test_cmp7_the_complainant_takes_the_answer_to_the_mediator(office):
    file_number = await office.answered(complainant_person=ELS)

    [escalated] = await office.do(
        EscalateToMediator(file_number=file_number, disagreement="Too little."), ELS_LOGIN
    )

    assert (escalated.type, escalated.actor) == ("ComplaintEscalatedToMediator", ELS_LOGIN)
    assert office.timers() == set()


async def test_cmp10_a_member_cannot_escalate_someone_elses_complaint(office):
    file_number = await office.answered(complainant_person=ELS)

    reason = await office.refused(
        EscalateToMediator(file_number=file_number, disagreement="Mine now."), BRAM_LOGIN
    )

    assert reason == f"no complaint with file number {file_number}"


async def test_cmp7_an_unanswered_complaint_does_not_go_to_the_mediator(office):
    file_number = await office.analysing()

    reason = await office.refused(
        EscalateToMediator(file_number=file_number, disagreement="Too slow.")
    )

    assert "can go to the mediator" in reason


# AnswerAsMediator (CMP-7)


async def test_cmp7_the_mediator_answers_after_re_examining_the_file(office):
    file_number = await office.with_mediator()

    answered, letter = await office.do(
        AnswerAsMediator(file_number=file_number, verdict="partly_founded", motivation="…"),
        MEDIATOR,
    )

    assert (answered.type, answered.payload["verdict"]) == ("MediatorAnswered", "partly_founded")
    assert letter.payload["kind"] == "mediator_answer"
    assert answered.actor == letter.actor == MEDIATOR


async def test_cmp7_the_mediator_answers_only_what_was_taken_to_them(office):
    file_number = await office.answered()

    reason = await office.refused(
        AnswerAsMediator(file_number=file_number, verdict="unfounded", motivation="…"), MEDIATOR
    )

    assert "can get the mediator's answer" in reason


# CloseComplaint (CMP-8)


async def test_cmp8_an_answered_complaint_is_closed_with_the_answers_verdict(office):
    file_number = await office.answered()

    [closed] = await office.do(CloseComplaint(file_number=file_number))

    assert (closed.type, closed.payload["outcome"], closed.actor) == (
        "ComplaintClosed",
        "founded",
        HANDLER,
    )


async def test_cmp8_an_unanswered_complaint_is_not_closed(office):
    file_number = await office.analysing()

    reason = await office.refused(CloseComplaint(file_number=file_number))

    assert "can be closed" in reason


# RecordRecommendation (CMP-9)


async def test_cmp9_a_recommendation_is_recorded_on_a_handled_complaint(office):
    file_number = await office.answered()

    [recorded] = await office.do(
        RecordRecommendation(file_number=file_number, recommendation="Pay on time."), MEDIATOR
    )

    assert (recorded.type, recorded.payload["recommendation"], recorded.actor) == (
        "RecommendationRecorded",
        "Pay on time.",
        MEDIATOR,
    )


async def test_cmp9_no_recommendation_on_a_complaint_not_handled_yet(office):
    file_number = await office.register()

    reason = await office.refused(
        RecordRecommendation(file_number=file_number, recommendation="Pay on time.")
    )

    assert "can get a recommendation" in reason


async def test_issue9_every_complaints_command_is_tested_here():
    tested = {
        RegisterComplaint,
        AssignComplaint,
        AcknowledgeComplaint,
        DecideAdmissibility,
        RequestInformation,
        ReceiveInformation,
        SendStatusUpdate,
        AnswerComplaint,
        EscalateToMediator,
        AnswerAsMediator,
        CloseComplaint,
        RecordRecommendation,
    }

    assert set(HANDLERS) == tested


# The timers (CMP-3, CMP-5, CMP-12)


async def test_cmp12_the_reminder_before_the_acknowledgement_deadline_names_the_handler(office):
    file_number = await office.register()
    await office.do(AssignComplaint(file_number=file_number, handler="handler-7"))
    [registered, _] = office.stream(file_number)

    [reminded] = await office.fire(REMIND)

    assert reminded.type == "HandlerReminded" and reminded.stream_id == registered.stream_id
    assert (reminded.payload["duty"], reminded.payload["assignee"]) == (
        "acknowledgement",
        "handler-7",
    )
    # The scheduler's doing, in the registration's correlation.
    assert reminded.actor is None and reminded.correlation_id == registered.correlation_id
    assert office.timers() == {(DEADLINE, brussels("2026-03-11"))}


async def test_cmp12_a_timer_fired_again_after_a_crash_stores_nothing_twice(office):
    file_number = await office.register()
    [timer] = [t for t in office.store.timers() if t.kind == REMIND]
    await office.fire(REMIND)

    async with office.store.unit_of_work(office.clock) as uow:  # as if its claim was lost
        await deadline_timers.on_remind(timer, uow)
        again = list(uow.appended)
        await uow.commit()

    assert again == [] and types(office.stream(file_number)) == [
        "ComplaintRegistered",
        "HandlerReminded",
    ]


async def test_cmp3_cmp12_at_the_acknowledgement_deadline_the_breach_and_the_standard_letter(
    office,
):
    file_number = await office.register()

    stored = await office.fire(DEADLINE)

    assert types(stored) == [
        "AcknowledgementOverdue",
        "ComplaintLetterSent",
        "ComplaintAcknowledged",
    ]
    assert stored[1].payload["standard"] and file_number in stored[1].payload["text"]
    assert all(e.actor is None for e in stored)
    # The handler goes on with admissibility: no acknowledgement is owed any more.
    assert office.timers() == set()


async def test_cmp5_cmp12_a_missed_status_message_is_a_breach_and_the_rhythm_goes_on(office):
    file_number = await office.analysing()

    overdue, letter = await office.fire(DEADLINE)

    assert overdue.type == "StatusUpdateOverdue" and letter.payload["standard"]
    # Counted from the missed Monday 23 March: 3 weeks on, Monday 13 April.
    assert (overdue.payload["due_on"], overdue.payload["next_due_on"]) == (
        "2026-03-23",
        "2026-04-13",
    )
    assert office.timers() == {
        (REMIND, brussels("2026-04-09", 8)),
        (DEADLINE, brussels("2026-04-14")),
    }
    assert office.stream(file_number)[-2:] == [overdue, letter]


async def test_cmp12_a_deadline_for_a_duty_already_done_stores_nothing(office):
    file_number = await office.register()
    [deadline] = [t for t in office.store.timers() if t.kind == DEADLINE]
    await office.do(AcknowledgeComplaint(file_number=file_number))
    office.clock.set(deadline.due_at)

    async with office.store.unit_of_work(office.clock) as uow:  # fired though cancelled
        await deadline_timers.on_deadline(deadline, uow)
        stored = list(uow.appended)

    assert stored == [] and len(office.stream(file_number)) == 3


# Erasure (DOS-12) and retention (DOS-13), as the dossier's events tell them


@pytest.mark.parametrize(
    "told",
    [
        PersonErased(booklet_id="b-1", person_id=ELS),
        RetentionEnded(booklet_id="b-1", person_id=ELS, category="complaint"),
    ],
    ids=["erased", "complaints' retention ended"],
)
async def test_dos12_dos13_the_complaints_of_a_forgotten_person_are_erased_and_shredded(told):
    office = Office()
    els_filed = await office.register(complainant_person=ELS)
    bram_filed = await office.register(complainant_person=BRAM)

    await office.on_dossier_event(told)
    await office.on_dossier_event(told)  # redelivered: nothing more

    erased = office.stream(els_filed)
    assert (
        types(erased)[-1] == "ComplainantErased" and types(erased).count("ComplainantErased") == 1
    )
    complaint_id = office.file_numbers.known[els_filed]
    assert {subject for subject, _ in office.store.shredded()} == {complaint_id}
    assert "ComplainantErased" not in types(office.stream(bram_filed))
    assert await office.file_numbers.filed_by(ELS) == []


async def test_dos13_another_categorys_retention_leaves_complaints_as_they_are():
    office = Office()
    file_number = await office.register(complainant_person=ELS)

    await office.on_dossier_event(
        RetentionEnded(booklet_id="b-1", person_id=ELS, category="financial")
    )

    assert "ComplainantErased" not in types(office.stream(file_number))
    assert office.store.shredded() == set()
