"""DOS-1, DOS-2, ID-9: the dossier's command handlers on the in-memory unit of work. What a
command decides is stored in the booklet's stream with who sent it; what is refused stores
nothing and leaves the person index as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.dossier.export_parts import Exports
from services.dossier.handlers import HANDLERS
from services.dossier.person_index import PersonIndex
from shared.access.persons import Persons
from shared.clock import FakeClock
from shared.contracts import Actor, Command, CommandEnvelope, EventEnvelope, events
from shared.contracts.dossier import (
    AddDependant,
    Address,
    AddressChanged,
    ChangeAddress,
    ChangeContactDetails,
    ChangeEntitlement,
    ContactDetailsChanged,
    DependantAdded,
    EnrolMember,
    Entitlement,
    EntitlementChanged,
    ErasePerson,
    MemberEnrolled,
    PersonErased,
)
from shared.eventstore.memory import InMemoryEventStore
from shared.messaging.commands import CommandContext
from shared.privacy.marking import CATEGORIES
from shared.refusal import Refused
from tests.support.dossier import insz, person
from tests.support.fakes import FakePersons
from tests.support.rights import FakeExports

CLOCK = FakeClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
STAFF = Actor(account_id="staff-1", role="member_services", authenticated_by="pwd")
ELS = "85073003328"
LOTTE = insz(date(2012, 5, 15), 123)
JAN = insz(date(1979, 3, 2), 45)
ELS_ACCOUNT = Actor(account_id="account-els", role="member", authenticated_by="itsme")
JAN_ACCOUNT = Actor(account_id="account-jan", role="member", authenticated_by="itsme")
HOLDER = person(ELS)
CHILD = person(LOTTE, first_name="Lotte", birth_date=date(2012, 5, 15))
ANTWERP = Address(
    street="Meir", house_number="1", postal_code="2000", municipality="Antwerpen", country="BE"
)


class FakePersonIndex:
    """services.dossier.person_index.PersonIndex from a dict: person → booklet."""

    def __init__(self, booklets: dict[str, str] | None = None) -> None:
        self.booklets = dict(booklets or {})

    async def booklet_of(self, national_register_number: str) -> str | None:
        return self.booklets.get(national_register_number)

    async def remove(self, national_register_number: str) -> None:
        self.booklets.pop(national_register_number, None)

    async def add(self, national_register_number: str, booklet_id: str) -> None:
        # As the table's primary key would: a handler adds only a person it found on none.
        assert national_register_number not in self.booklets
        self.booklets[national_register_number] = booklet_id


@pytest.fixture
def index() -> FakePersonIndex:
    return FakePersonIndex()


@pytest.fixture
def persons() -> FakePersons:
    return FakePersons()


@pytest.fixture
def store(index, persons) -> InMemoryEventStore:
    views = {PersonIndex: index, Persons: persons, Exports: FakeExports()}
    return InMemoryEventStore("dossier", views=views)


def known_to_identity(store: InMemoryEventStore, persons: FakePersons) -> None:
    """Els's account is hers, and her daughter Lotte is granted to her (ID-7); Jan is only Jan:
    by the person ids the dossier gave them, as identity's events name them."""
    els, jan = person_id(store, ELS), "person-jan"
    persons.accounts.update({ELS_ACCOUNT.account_id: els, JAN_ACCOUNT.account_id: jan})
    persons.grants[els] = {person_id(store, LOTTE)}


async def handle(
    store: InMemoryEventStore, command: Command, actor: Actor = STAFF
) -> CommandEnvelope:
    """Runs the command's handler as the bus does, and commits what it did."""
    envelope = CommandEnvelope(
        type=command.type_name, payload=command.model_dump(mode="json"), issued_at=CLOCK.now()
    )
    async with store.unit_of_work(CLOCK) as uow:
        await HANDLERS[type(command)](command, CommandContext(uow, envelope, actor))
        await uow.commit()
    return envelope


async def refusal(store: InMemoryEventStore, command: Command, actor: Actor = STAFF) -> str:
    """Why the handler refuses the command; it must have appended nothing before refusing."""
    envelope = CommandEnvelope(
        type=command.type_name, payload=command.model_dump(mode="json"), issued_at=CLOCK.now()
    )
    async with store.unit_of_work(CLOCK) as uow:
        with pytest.raises(Refused) as refused:
            await HANDLERS[type(command)](command, CommandContext(uow, envelope, actor))
        assert uow.appended == []
    return str(refused.value)


def stream(store: InMemoryEventStore, booklet_id: str = "b-1") -> list[EventEnvelope]:
    return store.events(f"booklet-{booklet_id}")


def last_event(store: InMemoryEventStore, booklet_id: str = "b-1"):
    return events.decode(stream(store, booklet_id)[-1])


def person_id(store: InMemoryEventStore, national_register_number: str) -> str:
    """The id the dossier gave the person when they joined the booklet."""
    for stored in stream(store):
        match events.decode(stored):
            case (
                MemberEnrolled(person_id=found, holder=person)
                | DependantAdded(person_id=found, dependant=person)
            ) if person.national_register_number == national_register_number:
                return found
    raise LookupError(national_register_number)


async def enrolled(store: InMemoryEventStore, booklet_id: str = "b-1") -> None:
    await handle(store, EnrolMember(booklet_id=booklet_id, holder=HOLDER))


def entitlement_change(since: date, vt: bool = True) -> ChangeEntitlement:
    return ChangeEntitlement(
        booklet_id="b-1",
        national_register_number=ELS,
        cg1="111",
        cg2="111",
        increased_reimbursement=vt,
        since=since,
    )


# EnrolMember


async def test_dos1_id9_an_enrolment_is_stored_by_its_sender_and_indexes_the_holder(store, index):
    sent = await handle(store, EnrolMember(booklet_id="b-1", holder=HOLDER))

    [stored] = stream(store)
    enrolment = events.decode(stored)
    assert enrolment == MemberEnrolled(
        booklet_id="b-1", person_id=enrolment.person_id, holder=HOLDER
    )
    assert (stored.stream_version, stored.actor, stored.producer) == (1, STAFF, "dossier")
    assert (stored.causation_id, stored.correlation_id) == (sent.command_id, sent.correlation_id)
    assert index.booklets == {ELS: "b-1"}


async def test_dos1_a_person_already_on_a_booklet_is_not_enrolled_again(store, index):
    index.booklets[ELS] = "b-0"

    reason = await refusal(store, EnrolMember(booklet_id="b-1", holder=HOLDER))

    assert reason == "this person is already on a booklet"
    assert store.events() == [] and index.booklets == {ELS: "b-0"}


async def test_dos1_a_booklet_is_enrolled_once(store, index):
    await enrolled(store)

    reason = await refusal(store, EnrolMember(booklet_id="b-1", holder=person(JAN)))

    assert reason == "booklet 'b-1' already exists"
    assert len(stream(store)) == 1 and index.booklets == {ELS: "b-1"}


async def test_dos1_a_refused_enrolment_leaves_the_person_index_as_it_was(store, index):
    typo = person(ELS, birth_date=date(1985, 7, 31))

    reason = await refusal(store, EnrolMember(booklet_id="b-1", holder=typo))

    assert reason == "the birth date does not match the national register number"
    assert store.events() == [] and index.booklets == {}


async def test_dos1_a_regional_fund_of_another_federation_is_refused(store, index):
    holder = person(ELS, regional_fund="lm-plus")

    reason = await refusal(store, EnrolMember(booklet_id="b-1", holder=holder))

    assert "no regional fund 'lm-plus'" in reason
    assert store.events() == [] and index.booklets == {}


# AddDependant


async def test_dos1_id9_a_dependant_is_added_by_its_sender_and_indexed(store, index):
    await enrolled(store)

    await handle(store, AddDependant(booklet_id="b-1", dependant=CHILD))

    added = last_event(store)
    assert added == DependantAdded(booklet_id="b-1", person_id=added.person_id, dependant=CHILD)
    assert added.person_id != person_id(store, ELS)
    assert [(e.stream_version, e.actor) for e in stream(store)] == [(1, STAFF), (2, STAFF)]
    assert index.booklets == {ELS: "b-1", LOTTE: "b-1"}


async def test_dos1_a_dependant_needs_an_existing_booklet(store, index):
    reason = await refusal(store, AddDependant(booklet_id="b-9", dependant=CHILD))

    assert reason == "no booklet 'b-9'"
    assert store.events() == [] and index.booklets == {}


async def test_dos1_a_dependant_on_another_booklet_is_not_added(store, index):
    await enrolled(store)
    index.booklets[LOTTE] = "b-0"

    reason = await refusal(store, AddDependant(booklet_id="b-1", dependant=CHILD))

    assert reason == "this person is already on a booklet"
    assert len(stream(store)) == 1 and index.booklets == {ELS: "b-1", LOTTE: "b-0"}


async def test_dos1_the_holder_is_not_added_as_their_own_dependant(store, index):
    await enrolled(store)

    reason = await refusal(store, AddDependant(booklet_id="b-1", dependant=HOLDER))

    assert reason == "this person is already on the booklet"
    assert len(stream(store)) == 1


# ChangeContactDetails


@pytest.mark.parametrize("of", [ELS, LOTTE], ids=["own", "granted"])
async def test_dos2_id9_a_member_changes_contact_details_of_whom_they_may_act_on(
    store, persons, of
):
    await enrolled(store)
    await handle(store, AddDependant(booklet_id="b-1", dependant=CHILD))
    known_to_identity(store, persons)
    change = ChangeContactDetails(
        booklet_id="b-1", national_register_number=of, email="els@example.be"
    )

    await handle(store, change, ELS_ACCOUNT)

    assert last_event(store) == ContactDetailsChanged(
        booklet_id="b-1", person_id=person_id(store, of), email="els@example.be"
    )
    assert stream(store)[-1].actor == ELS_ACCOUNT


async def test_dos2_a_member_may_not_change_contact_details_of_someone_else(store, persons):
    await enrolled(store)
    await handle(store, AddDependant(booklet_id="b-1", dependant=CHILD))
    known_to_identity(store, persons)
    change = ChangeContactDetails(
        booklet_id="b-1", national_register_number=ELS, email="jan@example.be"
    )

    reason = await refusal(store, change, JAN_ACCOUNT)

    assert reason == "you may not act on this person's file"
    assert len(stream(store)) == 2


async def test_dos2_a_contact_details_change_needs_something_to_change(store):
    await enrolled(store)

    reason = await refusal(
        store, ChangeContactDetails(booklet_id="b-1", national_register_number=ELS)
    )

    assert reason == "nothing to change: give an e-mail, phone or bank account"
    assert len(stream(store)) == 1


# ChangeAddress


async def test_dos1_id9_an_address_change_is_stored_by_its_sender(store):
    await enrolled(store)

    await handle(
        store, ChangeAddress(booklet_id="b-1", national_register_number=ELS, address=ANTWERP)
    )

    assert last_event(store) == AddressChanged(
        booklet_id="b-1", person_id=person_id(store, ELS), address=ANTWERP
    )
    assert stream(store)[-1].actor == STAFF


async def test_dos1_moving_to_the_same_address_is_refused(store):
    await enrolled(store)
    same = ChangeAddress(booklet_id="b-1", national_register_number=ELS, address=HOLDER.address)

    reason = await refusal(store, same)

    assert reason == "nothing to change: this is already the person's address"
    assert len(stream(store)) == 1


async def test_dos1_an_address_change_for_someone_not_on_the_booklet_is_refused(store):
    await enrolled(store)
    stranger = ChangeAddress(booklet_id="b-1", national_register_number=JAN, address=ANTWERP)

    reason = await refusal(store, stranger)

    assert reason == "no such person on booklet 'b-1'"
    assert len(stream(store)) == 1


# ChangeEntitlement


async def test_dos1_id9_an_entitlement_decision_is_stored_by_its_sender(store):
    await enrolled(store)

    await handle(store, entitlement_change(date(2025, 1, 1)))

    assert last_event(store) == EntitlementChanged(
        booklet_id="b-1",
        person_id=person_id(store, ELS),
        entitlement=Entitlement(
            cg1="111",
            cg2="111",
            increased_reimbursement=True,
            increased_reimbursement_since=date(2025, 1, 1),
        ),
        since=date(2025, 1, 1),
    )
    assert stream(store)[-1].actor == STAFF


async def test_dos1_an_entitlement_from_before_birth_is_refused(store):
    await enrolled(store)

    reason = await refusal(store, entitlement_change(date(1985, 7, 29)))

    assert reason == "an entitlement cannot apply from before the person's birth"
    assert len(stream(store)) == 1


async def test_dos1_an_entitlement_decided_twice_is_refused_the_second_time(store):
    await enrolled(store)
    await handle(store, entitlement_change(date(2025, 1, 1)))

    reason = await refusal(store, entitlement_change(date(2025, 1, 1)))

    assert reason == "nothing to change: the person has these codes and VT status"
    assert len(stream(store)) == 2


# ErasePerson


async def test_dos12_an_erasure_shreds_the_persons_keys_and_frees_their_number(store, index):
    await enrolled(store)
    await handle(store, AddDependant(booklet_id="b-1", dependant=CHILD))
    child = person_id(store, LOTTE)

    await handle(store, ErasePerson(booklet_id="b-1", national_register_number=LOTTE))

    # The financial records the law keeps stay, restricted (tests/unit/test_dossier_retention).
    assert last_event(store) == PersonErased(
        booklet_id="b-1", person_id=child, restricted=("financial",)
    )
    assert store.shredded() == {(child, c) for c in CATEGORIES if c != "financial"}
    assert index.booklets == {ELS: "b-1"}
    moved = ChangeAddress(booklet_id="b-1", national_register_number=LOTTE, address=ANTWERP)
    assert await refusal(store, moved) == "no such person on booklet 'b-1'"


def test_dos12_only_member_services_erase_a_person():
    # The bus refuses anyone else before the handler runs (tests/integration/test_commands.py).
    assert ErasePerson.allowed_roles == {"member_services", "admin"}
