"""DOS-12 (issue 10, item 4): a service answers the dossier's `PersonalDataRequested` with its
part of the person's copy (shared.privacy.exports), on the in-memory unit of work: once per
request, an empty part for a person it holds nothing of, the key of the copy shredded a month
later or when the person is erased; and each service's part read from what it holds."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from services.complaints import personal_data as complaints_data
from services.complaints.file_numbers import FileNumbers
from services.dossier import personal_data as dossier_data
from services.dossier.personal_data import PersonalData
from services.identity.adapters.dependants import Dependants
from services.identity.adapters.member_accounts import MemberAccounts
from services.identity.adapters.members import Member, Members
from services.identity.domain.accounts import Account
from services.identity.domain.holder_access import HolderAccess
from services.identity.handlers import personal_data as identity_data
from shared.clock import FakeClock
from shared.contracts import Event, EventEnvelope, events
from shared.contracts.access import AccessGranted, AccessMandateGiven
from shared.contracts.dossier import PersonErased
from shared.contracts.identity import PortalAccountRegistered
from shared.contracts.privacy import PersonalDataExported, PersonalDataRequested
from shared.eventstore import PendingEvent, Timer
from shared.eventstore.memory import InMemoryEventStore
from shared.privacy import exports
from shared.privacy.exports.answering import KEPT, PartOf, on_kept_a_month
from shared.privacy.exports.made import Exports
from shared.privacy.retention import retention
from shared.projections import ProjectionBehind
from tests.support.dossier import envelope as dossier_envelope
from tests.support.events import complaint_registered
from tests.support.fakes import FakeFileNumbers
from tests.unit.test_personal_data_parts import ELS_ROW, booklet_row

# 1 December 2026, 10:00 in Brussels: the copy is kept until 1 January 2027.
CLOCK = FakeClock(datetime(2026, 12, 1, 9, tzinfo=UTC))


class FakeExports:
    """shared.privacy.exports.made.Exports from a dict: request id → person id."""

    def __init__(self) -> None:
        self.made: dict[str, str] = {}

    async def add(self, request_id: str, person_id: str, made_at: datetime) -> None:
        assert request_id not in self.made  # the table's primary key
        self.made[request_id] = person_id

    async def of_person(self, person_id: str) -> list[str]:
        return [r for r, person in self.made.items() if person == person_id]

    async def forget(self, *request_ids: str) -> None:
        for request_id in request_ids:
            self.made.pop(request_id, None)


def requested(request_id: str, person_id: str) -> EventEnvelope:
    """The dossier's request, as its topic delivers it (a new event id each time)."""
    return _dossier(PersonalDataRequested(request_id=request_id, person_id=person_id))


def _dossier(event: Event) -> EventEnvelope:
    return dossier_envelope(event, "b-1").model_copy(
        update={"stream_id": f"privacy-request-{uuid.uuid4()}"}
    )


async def take(store: InMemoryEventStore, service: str, part_of: PartOf, *delivered) -> None:
    """Each dossier event as the service's subscription applies it, committed."""
    apply = exports.subscription(service, part_of).apply
    for envelope in delivered:
        async with store.unit_of_work(CLOCK) as uow:
            await apply(uow, envelope)
            await uow.commit()


def held_of(parts: dict[str, dict]) -> PartOf:
    async def part_of(uow, request, person_id):
        return parts.get(person_id, {})

    return part_of


@pytest.fixture
def made() -> FakeExports:
    return FakeExports()


@pytest.fixture
def store(made) -> InMemoryEventStore:
    return InMemoryEventStore("identity", views={Exports: made})


def exported(store: InMemoryEventStore) -> list[PersonalDataExported]:
    return [events.decode(e) for e in store.events() if e.type == PersonalDataExported.type_name]


async def test_dos12_a_request_is_answered_with_the_services_part_once(store, made):
    part_of = held_of({"p-els": {"portal_accounts": [{"account_id": "a-els"}]}})

    await take(store, "identity", part_of, requested("r-1", "p-els"), requested("r-1", "p-els"))

    [answer] = exported(store)
    assert (answer.request_id, answer.person_id, answer.service) == ("r-1", "p-els", "identity")
    assert answer.part == {"portal_accounts": [{"account_id": "a-els"}]}
    [stored] = store.events("personal-data-export-r-1")
    assert stored.actor is None  # the fund's own doing
    assert made.made == {"r-1": "p-els"}


async def test_dos12_a_redelivered_request_stores_nothing_twice(store):
    delivered = requested("r-1", "p-els")

    await take(store, "identity", held_of({}), delivered)
    async with store.unit_of_work(CLOCK) as uow:  # as if the claim had been lost
        await exports.subscription("identity", held_of({})).apply(uow, delivered)
        assert uow.appended == []


async def test_dos12_a_person_the_service_holds_nothing_of_gets_an_empty_part(store):
    await take(store, "identity", held_of({}), requested("r-1", "p-nobody"))

    [answer] = exported(store)
    assert answer.part == {} and answer.person_id == "p-nobody"


async def test_dos12_the_copy_is_kept_a_month_then_its_key_is_shredded(store, made):
    await take(store, "identity", held_of({}), requested("r-1", "p-els"))

    [timer] = store.timers()
    assert timer.kind == KEPT and timer.payload == {"request_id": "r-1"}
    assert timer.due_at == retention().ends_at("export", date(2026, 12, 1))
    assert timer.due_at.date() == date(2027, 1, 1)
    async with store.unit_of_work(CLOCK) as uow:
        assert await uow.claim_timer(timer.timer_id)
        await exports.HANDLERS[KEPT](timer, uow)
        await uow.commit()
    assert store.shredded() == {("r-1", "export")}
    assert made.made == {}


async def test_dos12_an_erasure_shreds_the_copies_made_of_that_person_only(store, made):
    await take(
        store,
        "identity",
        held_of({}),
        requested("r-1", "p-els"),
        requested("r-2", "p-els"),
        requested("r-3", "p-tom"),
    )

    erased = PersonErased(booklet_id="b-1", person_id="p-els")
    await take(store, "identity", held_of({}), _dossier(erased))

    assert store.shredded() == {("r-1", "export"), ("r-2", "export")}
    assert made.made == {"r-3": "p-tom"}
    assert [t.payload["request_id"] for t in store.timers()] == ["r-3"]
    assert len(store.timers("cancelled")) == 2


async def test_dos12_a_timer_of_a_copy_erased_already_shreds_nothing_more(store, made):
    timer = Timer(f"{KEPT}:r-9", KEPT, CLOCK.now(), {"request_id": "r-9"})
    async with store.unit_of_work(CLOCK) as uow:
        await on_kept_a_month(timer, uow)
        await uow.commit()

    assert store.shredded() == {("r-9", "export")}  # a no-op on a shredded or absent key


# Each service's part, read from what it holds.


class FakePersonalData:
    """services.dossier.personal_data.PersonalData from rows, caught up or not."""

    def __init__(self, rows: list[dict], caught_up: bool = True) -> None:
        self.rows, self.caught_up = rows, caught_up

    async def caught_up_with(self, event_id: str) -> bool:
        return self.caught_up

    async def person(self, person_id: str) -> dict | None:
        return next((r for r in self.rows if r["person_id"] == person_id), None)

    async def booklet(self, booklet_id: str) -> list[tuple[str, str]]:
        return [(r["person_id"], r["role"]) for r in self.rows if r["booklet_id"] == booklet_id]

    async def care(self, person_id: str) -> tuple[dict | None, list[dict]]:
        return None, []


def dossier_store(held: FakePersonalData) -> InMemoryEventStore:
    return InMemoryEventStore("dossier", views={Exports: FakeExports(), PersonalData: held})


async def test_dos12_the_dossier_answers_from_its_booklet_projection():
    tom = booklet_row("p-tom", "09051512345", "dependant", "Tom")
    store = dossier_store(FakePersonalData([ELS_ROW, tom]))

    await take(store, "dossier", dossier_data.part_of, requested("r-1", "p-els"))

    [answer] = exported(store)
    assert answer.service == "dossier" and answer.part["first_name"] == "Els"
    assert answer.part["others_on_booklet"] == [{"person_id": "p-tom", "role": "dependant"}]


async def test_dos12_the_dossier_waits_for_its_projection_to_apply_the_request():
    store = dossier_store(FakePersonalData([], caught_up=False))

    with pytest.raises(ProjectionBehind):
        await take(store, "dossier", dossier_data.part_of, requested("r-1", "p-els"))

    assert exported(store) == []


class FakeMembers:
    def __init__(self, *known: Member) -> None:
        self.known = {member.person_id: member for member in known}

    async def get(self, person_id: str) -> Member | None:
        return self.known.get(person_id)

    async def holder_of(self, booklet_id: str) -> Member | None:
        found = (m for m in self.known.values() if m.booklet_id == booklet_id)
        return next((m for m in found if m.role == "holder"), None)


class FakeMemberAccounts:
    def __init__(self, accounts: dict[str, str]) -> None:
        self.accounts = accounts  # person → account

    async def account_of(self, person_id: str) -> str | None:
        return self.accounts.get(person_id)


class FakeDependants:
    def __init__(self, members: FakeMembers) -> None:
        self.members = members

    async def of_holder(self, person_id: str) -> list[str]:
        held = self.members.known.get(person_id)
        if held is None or held.role != "holder":
            return []
        return [
            m.person_id
            for m in self.members.known.values()
            if m.booklet_id == held.booklet_id and m.role == "dependant"
        ]


async def stored(store: InMemoryEventStore, stream: str, *recorded: Event) -> None:
    async with store.unit_of_work(CLOCK) as uow:
        pending = [PendingEvent(event, str(uuid.uuid4())) for event in recorded]
        await uow.append(stream, None, pending, correlation_id="c-1")
        await uow.commit()


async def test_dos12_identity_answers_with_the_account_and_the_access_decisions_of_the_person():
    members = FakeMembers(
        Member("p-els", "85073003328", "b-1", "holder", date(1985, 7, 30), None, None),
        Member("p-tom", "09051512345", "b-1", "dependant", date(2009, 5, 15), None, None),
    )
    store = InMemoryEventStore(
        "identity",
        views={
            Exports: FakeExports(),
            Members: members,
            MemberAccounts: FakeMemberAccounts({"p-tom": "a-tom"}),
            Dependants: FakeDependants(members),
        },
    )
    registered = PortalAccountRegistered(
        account_id="a-tom", login="tom", role="member", verified_by="itsme", person_id="p-tom"
    )
    await stored(store, Account.stream("a-tom"), registered)
    await stored(
        store,
        HolderAccess.stream("p-els", "p-tom"),
        AccessGranted(holder="p-els", person="p-tom", why="child under 16"),
        AccessMandateGiven(person="p-tom", holder="p-els"),
    )

    await take(
        store,
        "identity",
        identity_data.part_of,
        requested("r-tom", "p-tom"),
        requested("r-els", "p-els"),
    )

    toms, els = exported(store)
    [account] = toms.part["portal_accounts"]
    assert (account["account_id"], account["login"]) == ("a-tom", "tom")
    assert toms.part["holder_access_to_your_file"]["holder"] == "p-els"
    assert toms.part["holder_access_to_your_file"]["mandate"] is True
    assert "portal_accounts" not in els.part  # Els has no account
    assert els.part["your_access_to_others"] == [
        {
            "person_id": "p-tom",
            "allowed": True,
            "history": [{"at": CLOCK.now().isoformat(), "what": "granted"}],
        }
    ]


async def test_dos12_complaints_answers_with_the_complaints_the_person_filed():
    file_numbers = FakeFileNumbers()
    store = InMemoryEventStore(
        "complaints", views={Exports: FakeExports(), FileNumbers: file_numbers}
    )
    mine = complaint_registered(1, complainant_person="p-els")
    theirs = complaint_registered(2, complainant_person="p-jan", complainant_name="Jan Claes")
    for complaint in (mine, theirs):
        await file_numbers.add(
            complaint.file_number, complaint.complaint_id, complaint.complainant_person
        )
        await stored(store, f"complaint-{complaint.complaint_id}", complaint)

    await take(store, "complaints", complaints_data.part_of, requested("r-1", "p-els"))

    [answer] = exported(store)
    [complaint] = answer.part["complaints"]
    assert complaint["file_number"] == mine.file_number
    assert "Jan Claes" not in str(answer.part)
