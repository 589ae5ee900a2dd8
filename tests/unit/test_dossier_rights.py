"""DOS-12, the member's rights, the request side: the dossier's privacy requests with their
one-month deadline (GDPR art. 12(3)), the restriction of processing and consents, on the
in-memory unit of work. What is refused stores nothing; a member learns nothing of a person
they may not act on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.dossier import privacy_timers
from services.dossier.domain.booklet import Booklet
from services.dossier.domain.privacy_request import (
    PrivacyRequest,
    PrivacyRequestError,
    due_on,
    overdue_at,
)
from services.dossier.export_parts import Exports
from services.dossier.handlers import HANDLERS as BOOKLET_HANDLERS
from services.dossier.open_requests import OpenRequests
from services.dossier.person_index import KnownPersons, PersonIndex
from services.dossier.rights import HANDLERS as RIGHTS_HANDLERS
from shared.access.persons import Persons
from shared.clock import FakeClock
from shared.contracts import Actor, Command, CommandEnvelope, EventEnvelope, events
from shared.contracts.dossier import (
    AddDependant,
    ChangeAddress,
    ChangeContactDetails,
    ContactDetailsChanged,
    EnrolMember,
    ErasePerson,
)
from shared.contracts.privacy import (
    AnswerPrivacyRequest,
    ConsentGiven,
    ConsentWithdrawn,
    GiveConsent,
    LiftRestriction,
    PersonalDataRequested,
    PrivacyRequestAnswered,
    PrivacyRequestOverdue,
    PrivacyRequestReceived,
    ProcessingRestricted,
    ProcessingRestrictionLifted,
    RestrictProcessing,
    SubmitPrivacyRequest,
    WithdrawConsent,
)
from shared.eventstore.memory import InMemoryEventStore
from shared.messaging.commands import CommandContext
from shared.privacy.retention import BRUSSELS
from shared.refusal import Refused
from tests.support.dossier import insz, person
from tests.support.fakes import FakePersons
from tests.support.rights import FakeExports, FakeKnownPersons, FakeOpenRequests
from tests.unit.test_dossier_handlers import FakePersonIndex

HANDLERS = {**BOOKLET_HANDLERS, **RIGHTS_HANDLERS}
# 1 April 2026, 10:00 in Brussels: April has 30 days.
CLOCK = FakeClock(datetime(2026, 4, 1, 10, tzinfo=BRUSSELS))
STAFF = Actor(account_id="staff-1", role="member_services", authenticated_by="pwd")
ELS_ACCOUNT = Actor(account_id="account-els", role="member", authenticated_by="itsme")
JAN_ACCOUNT = Actor(account_id="account-jan", role="member", authenticated_by="itsme")
ELS = "85073003328"
LOTTE = insz(date(2012, 5, 15), 123)


@pytest.fixture
def persons() -> FakePersons:
    return FakePersons()


@pytest.fixture
def known() -> FakeKnownPersons:
    return FakeKnownPersons()


@pytest.fixture
def open_requests() -> FakeOpenRequests:
    return FakeOpenRequests()


@pytest.fixture
def store(persons, known, open_requests) -> InMemoryEventStore:
    views = {
        PersonIndex: FakePersonIndex(),
        Persons: persons,
        KnownPersons: known,
        OpenRequests: open_requests,
        Exports: FakeExports(),
    }
    return InMemoryEventStore("dossier", views=views)


async def handle(
    store: InMemoryEventStore, command: Command, actor: Actor = STAFF, clock: FakeClock = CLOCK
) -> list[EventEnvelope]:
    """Runs the command's handler as the bus does and commits; the events it recorded."""
    envelope = CommandEnvelope(
        type=command.type_name, payload=command.model_dump(mode="json"), issued_at=clock.now()
    )
    async with store.unit_of_work(clock) as uow:
        await HANDLERS[type(command)](command, CommandContext(uow, envelope, actor))
        recorded = list(uow.appended)
        await uow.commit()
    return recorded


async def refusal(store: InMemoryEventStore, command: Command, actor: Actor = STAFF) -> str:
    """Why the handler refuses the command; nothing is stored."""
    before = len(store.events())
    with pytest.raises(Refused) as refused:
        await handle(store, command, actor)
    assert len(store.events()) == before
    return str(refused.value)


@pytest.fixture
async def family(store, persons, known) -> tuple[str, str]:
    return await with_family(store, persons, known)


async def with_family(
    store: InMemoryEventStore, persons: FakePersons, known: FakeKnownPersons
) -> tuple[str, str]:
    """Els holds booklet b-1 with her daughter Lotte; Els's account may act on both, Jan's on
    himself only (ID-7). Their person ids."""
    [enrolled] = await handle(store, EnrolMember(booklet_id="b-1", holder=person(ELS)))
    lotte = person(LOTTE, first_name="Lotte", birth_date=date(2012, 5, 15))
    [added] = await handle(store, AddDependant(booklet_id="b-1", dependant=lotte))
    els, child = enrolled.payload["person_id"], added.payload["person_id"]
    known.booklets.update({els: "b-1", child: "b-1"})
    persons.accounts.update({ELS_ACCOUNT.account_id: els, JAN_ACCOUNT.account_id: "person-jan"})
    persons.grants[els] = {child}
    return els, child


def submit(person_id: str, right: str = "rectification", **more) -> SubmitPrivacyRequest:
    return SubmitPrivacyRequest(person_id=person_id, right=right, **more)


def brussels(day: str, hour: int = 0, minute: int = 0) -> FakeClock:
    return FakeClock(datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=BRUSSELS))


# The one-month deadline (GDPR art. 12(3))


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-04-01", "2026-05-01"),  # a 30-day month: due on day 30, overdue on day 31
        ("2026-04-30", "2026-05-30"),
        ("2026-01-31", "2026-02-28"),  # no 31 February: the month's last day
        ("2028-01-31", "2028-02-29"),  # a leap year
        ("2026-03-31", "2026-04-30"),
        ("2026-12-15", "2027-01-15"),
    ],
)
def test_dos12_a_request_is_due_on_the_same_day_of_the_next_month_or_its_last(received, due):
    assert due_on(date.fromisoformat(received)) == date.fromisoformat(due)


def test_dos12_a_request_is_overdue_from_the_start_of_the_day_after_it_is_due_in_brussels():
    assert overdue_at(date(2026, 5, 1)) == datetime(2026, 5, 2, tzinfo=BRUSSELS)
    assert overdue_at(date(2026, 5, 1)).astimezone(UTC) == datetime(2026, 5, 1, 22, tzinfo=UTC)


async def test_dos12_an_access_request_is_received_with_its_due_day_and_asks_for_the_copy(
    store, family, open_requests
):
    els, _ = family

    received, requested = await handle(store, submit(els, "access"), ELS_ACCOUNT)

    request_id = received.payload["request_id"]
    assert events.decode(received) == PrivacyRequestReceived(
        request_id=request_id, person_id=els, right="access", due_on=date(2026, 5, 1)
    )
    assert events.decode(requested) == PersonalDataRequested(request_id=request_id, person_id=els)
    assert {e.stream_id for e in (received, requested)} == {PrivacyRequest.stream(request_id)}
    assert received.actor == ELS_ACCOUNT
    [deadline] = store.timers()
    assert (deadline.kind, deadline.due_at) == (
        privacy_timers.DEADLINE,
        datetime(2026, 5, 2, tzinfo=BRUSSELS),
    )
    assert deadline.payload == {"request_id": request_id}
    assert open_requests.open[els, "access", ""].request_id == request_id


@pytest.mark.parametrize(
    ("utc", "due"),
    [
        # 30 April, 22:30 UTC is already 1 May, 00:30 in Brussels (CEST).
        (datetime(2026, 4, 30, 22, 30, tzinfo=UTC), date(2026, 6, 1)),
        (datetime(2026, 4, 30, 21, 30, tzinfo=UTC), date(2026, 5, 30)),
    ],
)
async def test_dos12_the_day_of_receipt_is_the_day_in_brussels(store, family, utc, due):
    els, _ = family

    [received] = await handle(store, submit(els), clock=FakeClock(utc))

    assert received.payload["due_on"] == due.isoformat()


async def test_dos12_a_human_review_names_the_automated_decision(store, family):
    _, lotte = family

    [received] = await handle(
        store, submit(lotte, "human_review", decision="increased_reimbursement", details="VT?")
    )

    assert received.payload["decision"] == "increased_reimbursement"
    assert received.payload["details"] == "VT?"


# Refusals


async def test_dos12_a_member_submits_only_for_a_person_they_may_act_on_and_learns_nothing_else(
    store, family
):
    els, lotte = family

    for_someone_else = await refusal(store, submit(lotte), JAN_ACCOUNT)
    for_nobody = await refusal(store, submit("person-nobody"), JAN_ACCOUNT)

    assert for_someone_else == for_nobody == "you may not act on this person's file"
    # Els acts for herself and for her daughter.
    assert len(await handle(store, submit(lotte), ELS_ACCOUNT)) == 1


async def test_dos12_a_request_for_an_unknown_or_erased_person_is_refused(store, family):
    els, _ = family

    assert await refusal(store, submit("person-nobody")) == "no such person"
    await handle(store, ErasePerson(booklet_id="b-1", national_register_number=ELS))
    assert await refusal(store, submit(els)) == "no such person"


@pytest.mark.parametrize(
    ("right", "decision", "reason"),
    [
        ("access", "entitlement", "only a request for a human review names a decision"),
        ("objection", "maximum_bill", "only a request for a human review names a decision"),
        ("human_review", None, "a human review names the automated decision to review"),
    ],
)
async def test_dos12_a_decision_comes_with_a_human_review_and_only_then(
    store, family, right, decision, reason
):
    els, _ = family

    assert await refusal(store, submit(els, right, decision=decision)) == reason


async def test_dos12_a_second_open_request_of_the_same_right_is_refused_naming_the_first(
    store, family
):
    els, _ = family
    [first, _] = await handle(store, submit(els, "access"))
    request_id = first.payload["request_id"]

    reason = await refusal(store, submit(els, "access"), ELS_ACCOUNT)

    assert reason == (
        f"this person has an open access request already: {request_id}, due on 2026-05-01"
    )
    # Another right, or a review of another decision, is another matter.
    await handle(store, submit(els, "erasure"))
    await handle(store, submit(els, "human_review", decision="entitlement"))
    await handle(store, submit(els, "human_review", decision="maximum_bill"))


async def test_dos12_once_answered_the_person_may_ask_again(store, family, open_requests):
    els, _ = family
    [first] = await handle(store, submit(els, "erasure"))
    answer = AnswerPrivacyRequest(
        request_id=first.payload["request_id"], granted=False, motivation="kept by law"
    )
    await handle(store, answer)

    assert open_requests.open == {}
    assert len(await handle(store, submit(els, "erasure"))) == 1


# Answering


async def test_dos12_member_services_answer_a_request_and_its_deadline_is_cancelled(
    store, family, open_requests
):
    els, _ = family
    [received] = await handle(store, submit(els, "objection", details="no marketing"))
    request_id = received.payload["request_id"]

    [answered] = await handle(
        store, AnswerPrivacyRequest(request_id=request_id, granted=True, motivation="done")
    )

    assert events.decode(answered) == PrivacyRequestAnswered(
        request_id=request_id, person_id=els, outcome="granted", motivation="done"
    )
    assert store.timers() == [] and len(store.timers("cancelled")) == 1
    assert open_requests.open == {}


async def test_dos12_an_access_request_is_not_answered_by_hand(store, family):
    els, _ = family
    [received, _] = await handle(store, submit(els, "access"))
    answer = AnswerPrivacyRequest(
        request_id=received.payload["request_id"], granted=True, motivation="sent by post"
    )

    reason = await refusal(store, answer)

    assert reason == "an access request is answered by the copy of the person's data, not by hand"


async def test_dos12_a_request_is_answered_once(store, family):
    els, _ = family
    [received] = await handle(store, submit(els, "rectification"))
    request_id = received.payload["request_id"]
    await handle(store, AnswerPrivacyRequest(request_id=request_id, granted=True, motivation="ok"))

    again = AnswerPrivacyRequest(request_id=request_id, granted=False, motivation="no")
    reason = await refusal(store, again)

    assert reason == "this request was answered already (granted)"


async def test_dos12_an_unknown_request_is_not_answered(store, family):
    answer = AnswerPrivacyRequest(request_id="nope", granted=True, motivation="ok")

    assert await refusal(store, answer) == "no privacy request 'nope'"


# The deadline's timer


async def fire_deadline(store: InMemoryEventStore, clock: FakeClock) -> None:
    [timer] = [t for t in store.timers() if t.kind == privacy_timers.DEADLINE]
    assert timer.due_at <= clock.now()
    async with store.unit_of_work(clock) as uow:
        assert await uow.claim_timer(timer.timer_id)
        await privacy_timers.on_deadline(timer, uow)
        await uow.commit()


async def test_dos12_an_unanswered_request_is_overdue_once_its_due_day_is_over(store, family):
    els, _ = family
    [received] = await handle(store, submit(els))
    request_id = received.payload["request_id"]

    await fire_deadline(store, brussels("2026-05-02"))

    overdue = store.events(PrivacyRequest.stream(request_id))[-1]
    assert events.decode(overdue) == PrivacyRequestOverdue(
        request_id=request_id, person_id=els, due_on=date(2026, 5, 1)
    )
    assert overdue.actor is None  # the fund's own doing
    # Late, it can still be answered.
    answer = AnswerPrivacyRequest(request_id=request_id, granted=True, motivation="late")
    assert len(await handle(store, answer, clock=brussels("2026-05-04"))) == 1


def test_dos12_a_request_is_overdue_once_and_never_once_answered():
    request = PrivacyRequest.rebuild("r-1")
    request.submit("p-1", "erasure", date(2026, 4, 1))
    request.miss()
    request.miss()
    assert [type(e) for e in request.pending] == [PrivacyRequestReceived, PrivacyRequestOverdue]

    answered = PrivacyRequest.rebuild("r-2")
    answered.submit("p-1", "erasure", date(2026, 4, 1))
    answered.answer(False, "kept by law")
    answered.miss()
    assert PrivacyRequestOverdue not in {type(e) for e in answered.pending}


def test_dos12_the_copy_answers_an_access_request_once_and_only_an_access_request():
    request = PrivacyRequest.rebuild("r-1")
    request.submit("p-1", "access", date(2026, 4, 1))
    request.exported()
    request.exported()
    assert [e.outcome for e in request.pending if isinstance(e, PrivacyRequestAnswered)] == [
        "exported"
    ]

    other = PrivacyRequest.rebuild("r-2")
    other.submit("p-1", "objection", date(2026, 4, 1))
    with pytest.raises(PrivacyRequestError, match="only an access request is answered by a copy"):
        other.exported()


# Restriction (GDPR art. 18, 21) and consents (GDPR art. 7(3))


def booklet_events(store: InMemoryEventStore) -> list:
    return [events.decode(e) for e in store.events(Booklet.stream("b-1"))]


async def test_dos12_member_services_restrict_and_lift_the_processing_of_a_persons_data(
    store, family
):
    _, lotte = family
    [received] = await handle(store, submit(lotte, "restriction", details="accuracy contested"))
    request_id = received.payload["request_id"]

    await handle(store, RestrictProcessing(person_id=lotte, request_id=request_id))
    again = await refusal(store, RestrictProcessing(person_id=lotte))
    await handle(store, LiftRestriction(person_id=lotte))
    not_restricted = await refusal(store, LiftRestriction(person_id=lotte))

    assert booklet_events(store)[-2:] == [
        ProcessingRestricted(person_id=lotte, request_id=request_id),
        ProcessingRestrictionLifted(person_id=lotte),
    ]
    assert again == "the processing of this person's data is restricted already"
    assert not_restricted == "the processing of this person's data is not restricted"


async def test_dos12_a_restriction_names_only_a_request_of_that_person_to_restrict_or_object(
    store, family
):
    els, lotte = family
    [access, _] = await handle(store, submit(lotte, "access"))
    [elses] = await handle(store, submit(els, "restriction"))

    for request in (access, elses):
        request_id = request.payload["request_id"]
        reason = await refusal(store, RestrictProcessing(person_id=lotte, request_id=request_id))
        assert reason == f"{request_id!r} is no request of this person to restrict or object"
    assert await refusal(store, RestrictProcessing(person_id="person-nobody")) == "no such person"


async def test_dos12_a_member_gives_and_withdraws_consents_for_the_persons_they_may_act_on(
    store, family
):
    els, lotte = family

    await handle(store, GiveConsent(person_id=lotte, purpose="email_notifications"), ELS_ACCOUNT)
    twice = await refusal(
        store, GiveConsent(person_id=lotte, purpose="email_notifications"), ELS_ACCOUNT
    )
    await handle(
        store, WithdrawConsent(person_id=lotte, purpose="email_notifications"), ELS_ACCOUNT
    )
    never_given = await refusal(store, WithdrawConsent(person_id=lotte, purpose="inbox"))
    someone_elses = await refusal(store, GiveConsent(person_id=els, purpose="inbox"), JAN_ACCOUNT)

    assert booklet_events(store)[-2:] == [
        ConsentGiven(person_id=lotte, purpose="email_notifications"),
        ConsentWithdrawn(person_id=lotte, purpose="email_notifications"),
    ]
    assert twice == "this person has consented to email_notifications already"
    assert never_given == "this person has not consented to inbox"
    assert someone_elses == "you may not act on this person's file"


async def test_dos12_an_erased_person_neither_consents_nor_is_restricted(store, family):
    els, _ = family
    await handle(store, RestrictProcessing(person_id=els))
    await handle(store, ErasePerson(booklet_id="b-1", national_register_number=ELS))

    assert await refusal(store, GiveConsent(person_id=els, purpose="inbox")) == "no such person"
    assert await refusal(store, LiftRestriction(person_id=els)) == "no such person"
    booklet = Booklet.rebuild("b-1", history=booklet_events(store))
    assert els not in booklet.restricted and els not in booklet.consents


# Rectification through the dossier's own commands, recorded as such (GDPR art. 16)


async def test_dos12_a_rectification_is_recorded_as_such_and_answers_the_request(store, family):
    els, _ = family
    [received] = await handle(store, submit(els, details="my e-mail address is wrong"))
    request_id = received.payload["request_id"]
    change = ChangeContactDetails(
        booklet_id="b-1", national_register_number=ELS, email="els@example.be", rectifies=request_id
    )

    changed, answered = await handle(store, change)

    assert events.decode(changed) == ContactDetailsChanged(
        booklet_id="b-1", person_id=els, email="els@example.be", rectifies=request_id
    )
    assert events.decode(answered) == PrivacyRequestAnswered(
        request_id=request_id,
        person_id=els,
        outcome="granted",
        motivation="rectified: contact details",
    )
    assert store.timers("cancelled")  # the deadline goes with the answer


@pytest.mark.parametrize(
    ("right", "whose", "why"),
    [
        ("erasure", "els", "is no open rectification request of this person"),
        ("rectification", "lotte", "is no open rectification request of this person"),
    ],
)
async def test_dos12_a_change_rectifies_only_an_open_rectification_request_of_that_person(
    store, family, right, whose, why
):
    els, lotte = family
    [received] = await handle(store, submit({"els": els, "lotte": lotte}[whose], right))
    moved = ChangeAddress(
        booklet_id="b-1",
        national_register_number=ELS,
        address={
            "street": "Meir",
            "house_number": "3",
            "postal_code": "2000",
            "municipality": "Antwerpen",
            "country": "BE",
        },
        rectifies=received.payload["request_id"],
    )

    assert why in await refusal(store, moved)
