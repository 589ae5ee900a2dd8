"""DOS-13 (issue 10, item 5) and DOS-12: the end of a membership and the retention of what is
kept of a person, on the in-memory unit of work. `EndMembership` records how the membership
ended and schedules, per category, the day its retention ends; the timer then shreds that
category's key. An erasure shreds everything but what the law keeps (financial records), which
stays restricted until its own retention ends."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.dossier.export_parts import Exports
from services.dossier.person_index import PersonIndex
from services.dossier.read_model import COLUMNS_OF, booklet_persons
from services.dossier.retention_timers import on_retention_end
from shared.access.persons import Persons
from shared.clock import FakeClock
from shared.contracts.dossier import (
    MEMBER_SERVICES,
    AddressChanged,
    ContactDetailsChanged,
    DependantAdded,
    EndMembership,
    ErasePerson,
    MemberDied,
    MemberEmigrated,
    MemberEnrolled,
    MemberLeft,
    PersonErased,
    RetentionEnded,
)
from shared.eventstore import Timer
from shared.eventstore.memory import InMemoryEventStore
from shared.privacy.marking import CATEGORIES, personal_fields
from shared.privacy.retention import BRUSSELS, retention
from tests.support.fakes import FakePersons
from tests.support.rights import FakeExports
from tests.unit.test_dossier_handlers import (
    ELS,
    FakePersonIndex,
    enrolled,
    handle,
    last_event,
    person_id,
    refusal,
    stream,
)


@pytest.fixture
def index() -> FakePersonIndex:
    return FakePersonIndex()


@pytest.fixture
def store(index) -> InMemoryEventStore:
    views = {PersonIndex: index, Persons: FakePersons(), Exports: FakeExports()}
    return InMemoryEventStore("dossier", views=views)


# The handlers' clock (test_dossier_handlers.CLOCK) says 1 December 2026, 10:00 in Brussels.
TODAY = date(2026, 12, 1)


def ending(store: InMemoryEventStore, reason: str = "died", **change) -> EndMembership:
    values = {"on": date(2026, 11, 20), "to_fund": None} | change
    return EndMembership(booklet_id="b-1", person_id=person_id(store, ELS), reason=reason, **values)


def retention_timers(store: InMemoryEventStore) -> dict[str, Timer]:
    """The retention timers still to fire, by category."""
    return {timer.payload["category"]: timer for timer in store.timers()}


async def fire(store: InMemoryEventStore, timer: Timer) -> None:
    """Fires the timer as the scheduler does once the clock reaches its due time."""
    async with store.unit_of_work(FakeClock(timer.due_at)) as uow:
        assert await uow.claim_timer(timer.timer_id)
        await on_retention_end(timer, uow)
        await uow.commit()


# EndMembership


@pytest.mark.parametrize(
    ("reason", "to_fund", "fact"),
    [
        ("left", "lm-plus", MemberLeft),  # a fund of another federation
        ("left", None, MemberLeft),
        ("died", None, MemberDied),
        ("emigrated", None, MemberEmigrated),
    ],
)
async def test_dos13_each_end_of_a_membership_is_recorded_as_what_happened(
    store, reason, to_fund, fact
):
    await enrolled(store)

    await handle(store, ending(store, reason, to_fund=to_fund))

    extra = {"to_fund": to_fund} if fact is MemberLeft else {}
    assert last_event(store) == fact(
        booklet_id="b-1", person_id=person_id(store, ELS), on=date(2026, 11, 20), **extra
    )


async def test_dos13_a_membership_end_schedules_the_end_of_each_categorys_retention(store):
    await enrolled(store)

    await handle(store, ending(store, "died", on=date(2026, 11, 20)))

    timers = retention_timers(store)
    assert set(timers) == set(retention().ended_by_membership)
    for category, timer in timers.items():
        assert timer.due_at == retention().ends_at(category, date(2026, 11, 20)), category
        assert timer.payload == {
            "booklet_id": "b-1",
            "person_id": person_id(store, ELS),
            "category": category,
        }
    # Seed 002 §6: who the member was is kept until the membership ends, no longer.
    assert timers["identification"].due_at == datetime(2026, 11, 20, tzinfo=BRUSSELS)
    assert timers["financial"].due_at > datetime(2033, 1, 1, tzinfo=BRUSSELS)


async def test_dos13_a_membership_end_frees_the_number_for_a_new_enrolment(store, index):
    await enrolled(store)

    await handle(store, ending(store, "emigrated"))

    assert index.booklets == {}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"person_id": "nobody"}, "no such person on booklet 'b-1'"),
        ({"on": date(2026, 12, 2)}, "a membership cannot end on a day still to come"),
        ({"on": date(1985, 7, 29)}, "a membership cannot end before the person's birth"),
        (
            {"reason": "left", "to_fund": "devoorzorg-limburg"},
            "'devoorzorg-limburg' is a fund of this federation: moving there ends no membership",
        ),
    ],
)
async def test_dos13_a_membership_end_that_cannot_be_is_refused_with_its_reason(
    store, index, change, reason
):
    await enrolled(store)
    end = ending(store).model_copy(update=change)

    assert await refusal(store, end) == reason
    assert len(stream(store)) == 1 and store.timers() == [] and index.booklets == {ELS: "b-1"}


async def test_dos13_a_membership_ends_once(store):
    await enrolled(store)
    await handle(store, ending(store, "died", on=date(2026, 11, 20)))

    reason = await refusal(store, ending(store, "emigrated", on=TODAY))

    assert reason == "this person's membership already ended on 2026-11-20"
    assert len(stream(store)) == 2


def test_dos13_only_member_services_end_a_membership():
    assert EndMembership.allowed_roles == MEMBER_SERVICES


# The retention timers


async def test_dos13_when_a_retention_ends_that_category_alone_is_shredded_and_said(store):
    await enrolled(store)
    await handle(store, ending(store, "died"))
    els = person_id(store, ELS)

    await fire(store, retention_timers(store)["identification"])

    assert store.shredded() == {(els, "identification")}
    assert last_event(store) == RetentionEnded(
        booklet_id="b-1", person_id=els, category="identification"
    )
    assert stream(store)[-1].actor is None  # the fund's own doing, not a staff member's
    assert set(retention_timers(store)) == set(retention().ended_by_membership) - {"identification"}


# ErasePerson (DOS-12) and what the law keeps


async def test_dos12_dos13_an_erasure_keeps_the_financial_records_restricted_until_their_end(
    store,
):
    await enrolled(store)
    els = person_id(store, ELS)

    await handle(store, ErasePerson(booklet_id="b-1", national_register_number=ELS))

    assert last_event(store) == PersonErased(
        booklet_id="b-1", person_id=els, restricted=("financial",)
    )
    assert store.shredded() == {(els, c) for c in CATEGORIES if c != "financial"}
    [financial] = retention_timers(store).values()
    # Counted from the erasure: the membership had not ended.
    assert financial.due_at == retention().ends_at("financial", TODAY)
    assert financial.payload["category"] == "financial"

    await fire(store, financial)

    assert (els, "financial") in store.shredded()
    assert last_event(store) == RetentionEnded(
        booklet_id="b-1", person_id=els, category="financial"
    )


async def test_dos13_an_erasure_after_the_membership_ended_counts_from_its_end(store):
    await enrolled(store)
    await handle(store, ending(store, "emigrated", on=date(2025, 12, 15)))
    ended = retention_timers(store)["financial"]

    await handle(store, ErasePerson(booklet_id="b-1", national_register_number=ELS))

    # The timer of the membership's end stands: the same id, the earlier start.
    assert retention_timers(store)["financial"] == ended
    assert ended.due_at == retention().ends_at("financial", date(2025, 12, 15))
    assert len(store.timers()) == len(retention().ended_by_membership)


async def test_dos13_an_erasure_after_the_financial_retention_ended_restricts_nothing(store):
    await enrolled(store)
    await handle(store, ending(store, "left", on=date(2026, 11, 20)))
    await fire(store, retention_timers(store)["financial"])

    await handle(store, ErasePerson(booklet_id="b-1", national_register_number=ELS))

    assert last_event(store).restricted == ()


# The booklet projection


@pytest.mark.parametrize(
    "contract", [MemberEnrolled, DependantAdded, ContactDetailsChanged, AddressChanged]
)
def test_dos13_the_booklet_projection_scrubs_each_personal_field_with_its_category(contract):
    for field in personal_fields(contract):
        # holder.address.street is the column address_street; email is email.
        path = field.path[1:] if field.path[0] in ("holder", "dependant") else field.path
        column = "_".join(path)
        assert column in booklet_persons.c, column
        assert column in COLUMNS_OF[field.category], (column, field.category)
