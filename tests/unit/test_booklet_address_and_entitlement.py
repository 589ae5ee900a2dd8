"""DOS-1: the booklet decides a person's address and entitlement (CG1/CG2, VT) changes; persons
enrolled before these were kept read back without them and can still be given them."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from services.dossier.domain.booklet import Booklet, BookletError
from shared.contracts import commands, events
from shared.contracts.dossier import (
    Address,
    AddressChanged,
    ChangeAddress,
    ChangeEntitlement,
    Entitlement,
    EntitlementChanged,
    MemberEnrolled,
    Person,
    legacy_person_id,
)

ELS = "85073003328"
GENT = Address(
    street="Veldstraat", house_number="12", postal_code="9000", municipality="Gent", country="BE"
)
NO_VT = Entitlement(cg1="110", cg2="110", increased_reimbursement=False)
V1_HOLDER = {
    "national_register_number": ELS,
    "first_name": "Els",
    "last_name": "Peeters",
    "birth_date": "1985-07-30",
    "language": "nl",
    "nationality": "BE",
    "regional_fund": "bondmoyson-oost-vlaanderen",
}


ELS_ID = "3f0c9d4e-8a71-4c52-b6e9-0d2a5f7c1e84"


def booklet_of(*history) -> Booklet:
    return Booklet.rebuild("b-1", history=history)


def enrolment(entitlement: Entitlement | None = NO_VT) -> MemberEnrolled:
    holder = Person(**V1_HOLDER, address=GENT, entitlement=entitlement)
    return MemberEnrolled(booklet_id="b-1", person_id=ELS_ID, holder=holder)


def change(cg: str, vt: bool, since: date) -> ChangeEntitlement:
    return ChangeEntitlement(
        booklet_id="b-1",
        national_register_number=ELS,
        cg1=cg,
        cg2=cg,
        increased_reimbursement=vt,
        since=since,
    )


def decided(booklet: Booklet, command: ChangeEntitlement) -> EntitlementChanged:
    booklet.change_entitlement(command)
    [event] = booklet.pending
    assert isinstance(event, EntitlementChanged)
    return event


def test_dos1_vt_granted_starts_on_the_day_of_the_decision():
    event = decided(booklet_of(enrolment()), change("111", True, date(2025, 1, 1)))

    assert event.entitlement.increased_reimbursement_since == date(2025, 1, 1)
    assert event.since == date(2025, 1, 1)


def test_dos1_vt_that_stays_granted_keeps_its_earliest_start():
    granted = decided(booklet_of(enrolment()), change("111", True, date(2025, 1, 1)))

    later = decided(booklet_of(enrolment(), granted), change("121", True, date(2025, 6, 1)))
    earlier = decided(booklet_of(enrolment(), granted), change("121", True, date(2024, 9, 1)))

    assert later.entitlement.increased_reimbursement_since == date(2025, 1, 1)
    assert earlier.entitlement.increased_reimbursement_since == date(2024, 9, 1)


def test_dos1_vt_withdrawn_has_no_start_date():
    granted = decided(booklet_of(enrolment()), change("111", True, date(2025, 1, 1)))

    withdrawn = decided(booklet_of(enrolment(), granted), change("110", False, date(2025, 7, 1)))

    assert withdrawn.entitlement == NO_VT
    assert withdrawn.since == date(2025, 7, 1)


def test_dos1_the_same_entitlement_again_is_refused_as_nothing_to_change():
    with pytest.raises(BookletError, match="nothing to change"):
        booklet_of(enrolment()).change_entitlement(change("110", False, date(2025, 1, 1)))


def test_dos1_an_entitlement_from_before_birth_is_refused():
    with pytest.raises(BookletError, match="before the person's birth"):
        booklet_of(enrolment()).change_entitlement(change("111", True, date(1985, 7, 29)))


def test_dos1_an_address_change_is_recorded_and_remembered():
    antwerp = GENT.model_copy(update={"street": "Meir", "postal_code": "2000"})
    command = ChangeAddress(booklet_id="b-1", national_register_number=ELS, address=antwerp)

    booklet = booklet_of(enrolment())
    booklet.change_address(command)

    [moved] = booklet.pending
    assert moved == AddressChanged(booklet_id="b-1", person_id=ELS_ID, address=antwerp)
    with pytest.raises(BookletError, match="this is already the person's address"):
        booklet.change_address(command)
    with pytest.raises(BookletError, match="this is already the person's address"):
        booklet_of(enrolment(), moved).change_address(command)


def test_dos1_a_change_for_someone_not_on_the_booklet_is_refused():
    stranger = ChangeAddress(booklet_id="b-1", national_register_number="12051512334", address=GENT)

    with pytest.raises(BookletError, match="no such person on booklet 'b-1'"):
        booklet_of(enrolment()).change_address(stranger)


def test_dos1_a_v1_enrolment_reads_back_without_address_or_entitlement():
    event = events.parse("MemberEnrolled", {"booklet_id": "b-1", "holder": V1_HOLDER}, version=1)

    assert isinstance(event, MemberEnrolled)
    assert (event.holder.address, event.holder.entitlement) == (None, None)
    assert event.person_id == legacy_person_id(ELS)  # the id older events stand for
    # ... and such a person can be given both.
    booklet = booklet_of(event)
    assert decided(booklet, change("110", False, date(2025, 1, 1))).entitlement == NO_VT
    booklet.change_address(
        ChangeAddress(booklet_id="b-1", national_register_number=ELS, address=GENT)
    )
    assert [e.type_name for e in booklet.pending] == ["EntitlementChanged", "AddressChanged"]


def test_dos1_a_new_enrolment_needs_an_address_and_an_entitlement():
    holder = {**V1_HOLDER, "address": None, "entitlement": NO_VT.model_dump()}

    with pytest.raises(ValidationError, match="a new person needs an address"):
        commands.parse("EnrolMember", {"booklet_id": "b-1", "holder": holder})
    schema = commands.json_schemas()["EnrolMember"]
    assert {"address", "entitlement"} <= set(schema["$defs"]["Person"]["required"])
