"""DOS-4, DOS-5 (seed 000): the booklet decides what the fund records of a person's care: the
GMD (globaal medisch dossier) at their GP, which moves when another GP records it, and ends;
the advising physician's medical agreements, created and then updated by their id. Every
refusal says why; the GP, the advantage and what an agreement is about are health data,
sealed under the person and shredded with them."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from services.dossier import personal_data as dossier_part
from services.dossier.app import definition as dossier_service
from services.dossier.domain.booklet import Booklet
from services.dossier.domain.care import Gmd
from services.dossier.export_parts import Exports
from services.dossier.person_index import PersonIndex
from shared.access.persons import Persons
from shared.contracts import Actor, Command, CommandEnvelope
from shared.contracts.care import (
    EndGmd,
    GmdEnded,
    GmdRecorded,
    MedicalAgreementRecorded,
    RecordGmd,
    RecordMedicalAgreement,
)
from shared.contracts.dossier import DependantAdded, ErasePerson, MemberEnrolled, PersonErased
from shared.eventstore.memory import InMemoryEventStore
from shared.messaging.commands import CommandContext
from shared.privacy.marking import personal_fields
from shared.refusal import Refused
from tests.support.dossier import insz, person
from tests.support.fakes import FakePersons
from tests.support.rights import FakeExports
from tests.unit.test_dossier_handlers import (
    CLOCK,
    ELS,
    LOTTE,
    STAFF,
    FakePersonIndex,
    enrolled,
    person_id,
)
from tests.unit.test_personal_data_parts import BOOKLET, ELS_ROW

ELS_ID, LOTTE_ID = "p-els", "p-lotte"
# RIZIV/INAMI numbers of two GPs: six digits, 97 - (those six mod 97), the qualification.
DR_JANSSENS, DR_MAES = "10005549004", "12345625003"


def booklet() -> Booklet:
    """Els (born 30 July 1985) holds booklet b-1; her daughter Lotte (15 May 2012) is on it."""
    return Booklet.rebuild(
        "b-1",
        history=[
            MemberEnrolled(booklet_id="b-1", person_id=ELS_ID, holder=person(ELS)),
            DependantAdded(
                booklet_id="b-1",
                person_id=LOTTE_ID,
                dependant=person(LOTTE, first_name="Lotte", birth_date=date(2012, 5, 15)),
            ),
        ],
    )


def gmd_at(gp: str = DR_JANSSENS, start: date = date(2024, 3, 1), **more) -> RecordGmd:
    values = {
        "booklet_id": "b-1",
        "national_register_number": ELS,
        "gp_riziv_number": gp,
        "gp_name": "Dr. An Janssens" if gp == DR_JANSSENS else "Dr. Pieter Maes",
        "start_date": start,
        "advantage": "consultations",
    }
    return RecordGmd(**values | more)


def ending(end: date) -> EndGmd:
    return EndGmd(booklet_id="b-1", national_register_number=ELS, end_date=end)


def agreement(status: str = "requested", **more) -> RecordMedicalAgreement:
    values = {
        "booklet_id": "b-1",
        "national_register_number": ELS,
        "agreement_id": "A-2026-0042",
        "nomenclature_code": "560011",
        "description": "Kinesitherapie, pathologische situatie E",
        "valid_from": date(2026, 1, 1),
        "valid_to": date(2026, 12, 31),
        "status": status,
    }
    return RecordMedicalAgreement(**values | more)


def refused(decide, *args) -> str:
    """Why the booklet refuses; it must have recorded nothing."""
    with pytest.raises(Refused) as refusal:
        decide(*args)
    return str(refusal.value)


# DOS-4: the GMD


def test_dos4_a_gmd_is_recorded_with_its_gp_start_date_and_advantage():
    els = booklet()

    els.record_gmd(gmd_at())

    assert els.pending == [
        GmdRecorded(
            booklet_id="b-1",
            person_id=ELS_ID,
            gp_riziv_number=DR_JANSSENS,
            gp_name="Dr. An Janssens",
            start_date=date(2024, 3, 1),
            advantage="consultations",
        )
    ]
    assert els.gmds[ELS_ID] == Gmd(
        DR_JANSSENS, "Dr. An Janssens", date(2024, 3, 1), "consultations"
    )


def test_dos4_a_gmd_recorded_at_another_gp_replaces_the_first_from_its_own_start():
    els = booklet()
    els.record_gmd(gmd_at())

    els.record_gmd(gmd_at(DR_MAES, date(2026, 2, 10)))

    moved = els.pending[-1]
    assert (moved.gp_riziv_number, moved.gp_name) == (DR_MAES, "Dr. Pieter Maes")
    assert moved.start_date == date(2026, 2, 10)
    assert els.gmds[ELS_ID].gp_riziv_number == DR_MAES
    assert els.gmds[ELS_ID].start_date == date(2026, 2, 10)


def test_dos4_the_same_gp_corrects_the_advantage_and_the_same_record_twice_is_refused():
    els = booklet()
    els.record_gmd(gmd_at())

    els.record_gmd(gmd_at(advantage="consultations_and_home_visits"))

    assert els.gmds[ELS_ID].advantage == "consultations_and_home_visits"
    same = gmd_at(advantage="consultations_and_home_visits")
    assert refused(els.record_gmd, same) == "nothing to change: this GMD is on record already"
    assert len(els.pending) == 2


@pytest.mark.parametrize(
    ("before", "command", "reason"),
    [
        (
            [],
            gmd_at(start=date(1985, 7, 29)),
            "a GMD cannot start before the person's birth",
        ),
        (
            [gmd_at()],
            gmd_at(DR_MAES, date(2024, 2, 29)),
            "the GMD moves to another GP on or after 2024-03-01, when it started",
        ),
        (
            [gmd_at(), ending(date(2025, 12, 31))],
            gmd_at(DR_MAES, date(2025, 12, 31)),
            "a new GMD starts after the last one ended, on 2025-12-31",
        ),
        (
            [],
            gmd_at(national_register_number=insz(date(1990, 1, 1), 61)),
            "no such person on booklet 'b-1'",
        ),
    ],
    ids=["before birth", "moved back in time", "overlapping the last", "not on the booklet"],
)
def test_dos4_a_gmd_that_cannot_be_is_refused_with_its_reason(before, command, reason):
    els = booklet()
    for earlier in before:
        (els.record_gmd if isinstance(earlier, RecordGmd) else els.end_gmd)(earlier)
    recorded = len(els.pending)

    assert refused(els.record_gmd, command) == reason
    assert len(els.pending) == recorded


def test_dos4_a_gmd_ends_and_a_new_one_may_start_after_it():
    els = booklet()
    els.record_gmd(gmd_at())

    els.end_gmd(ending(date(2025, 12, 31)))
    els.record_gmd(gmd_at(DR_MAES, date(2026, 1, 1)))

    assert els.pending[1] == GmdEnded(
        booklet_id="b-1", person_id=ELS_ID, end_date=date(2025, 12, 31)
    )
    assert els.gmds[ELS_ID] == Gmd(DR_MAES, "Dr. Pieter Maes", date(2026, 1, 1), "consultations")


@pytest.mark.parametrize(
    ("before", "end", "reason"),
    [
        ([], date(2025, 1, 1), "this person has no GMD on record"),
        ([gmd_at()], date(2024, 2, 29), "a GMD cannot end before it started, on 2024-03-01"),
        (
            [gmd_at(), ending(date(2025, 6, 30))],
            date(2025, 7, 31),
            "this person's GMD ended already, on 2025-06-30",
        ),
    ],
    ids=["none", "before its start", "twice"],
)
def test_dos4_an_end_that_cannot_be_is_refused_with_its_reason(before, end, reason):
    els = booklet()
    for earlier in before:
        (els.record_gmd if isinstance(earlier, RecordGmd) else els.end_gmd)(earlier)

    assert refused(els.end_gmd, ending(end)) == reason


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("10005548004", "RIZIV/INAMI number '10005548004': its check digits are wrong"),
        ("1000554900", "a RIZIV/INAMI number has 11 digits, like 1-00055-49-004"),
    ],
)
def test_dos4_an_invalid_riziv_number_is_refused_with_the_reason(number, reason):
    with pytest.raises(ValidationError) as invalid:
        gmd_at(gp=number)

    assert reason in str(invalid.value)


def test_dos4_a_printed_riziv_number_is_kept_as_its_eleven_digits():
    assert gmd_at(gp="1-00055-49-004").gp_riziv_number == DR_JANSSENS


# DOS-5: medical agreements


def test_dos5_an_agreement_is_created_then_granted_then_ended_by_its_id():
    els = booklet()

    els.record_medical_agreement(agreement())
    els.record_medical_agreement(agreement("granted", valid_to=None))
    els.record_medical_agreement(agreement("ended", valid_to=date(2026, 9, 30)))

    assert [e.status for e in els.pending] == ["requested", "granted", "ended"]
    assert els.pending[1].valid_to is None  # granted without an end
    assert els.pending[0] == MedicalAgreementRecorded(
        booklet_id="b-1",
        person_id=ELS_ID,
        agreement_id="A-2026-0042",
        nomenclature_code="560011",
        description="Kinesitherapie, pathologische situatie E",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        status="requested",
    )
    assert els.agreements["A-2026-0042"].status == "ended"


def test_dos5_a_refused_request_is_recorded_and_is_final():
    els = booklet()
    els.record_medical_agreement(agreement())

    els.record_medical_agreement(agreement("refused"))

    assert els.agreements["A-2026-0042"].status == "refused"
    assert refused(els.record_medical_agreement, agreement("granted")) == (
        "agreement 'A-2026-0042' is refused: it cannot become granted "
        "(final: a new request is a new agreement)"
    )


@pytest.mark.parametrize(
    ("before", "command", "reason"),
    [
        ([agreement()], agreement(), "nothing to change: the agreement is on record as it is"),
        (
            [agreement()],
            agreement(nomenclature_code="560033"),
            (
                "agreement 'A-2026-0042' is about another code: "
                "a decision about another code is another agreement"
            ),
        ),
        (
            [agreement("granted")],
            agreement("requested"),
            "agreement 'A-2026-0042' is granted: it cannot become requested",
        ),
        (
            [agreement()],
            agreement(national_register_number=LOTTE),
            "agreement 'A-2026-0042' is another person's",
        ),
        (
            [],
            agreement(valid_from=date(1985, 7, 1), valid_to=None),
            "an agreement cannot start before the person's birth",
        ),
    ],
    ids=["the same", "another code", "granted back to requested", "another person", "too early"],
)
def test_dos5_an_agreement_that_cannot_be_is_refused_with_its_reason(before, command, reason):
    els = booklet()
    for earlier in before:
        els.record_medical_agreement(earlier)

    assert refused(els.record_medical_agreement, command) == reason
    assert len(els.pending) == len(before)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"nomenclature_code": "56001"}, "a RIZIV/INAMI nomenclature code has 6 digits"),
        ({"valid_to": date(2025, 12, 31)}, "an agreement cannot end before it starts"),
        (
            {"status": "ended", "valid_to": None},
            "an ended agreement needs the day it ended (valid_to)",
        ),
        ({"status": "pending"}, "Input should be 'requested', 'granted', 'refused' or 'ended'"),
    ],
)
def test_dos5_an_invalid_agreement_is_refused_with_the_reason(change, reason):
    with pytest.raises(ValidationError) as invalid:
        agreement(**change)

    assert reason in str(invalid.value)


# Who records them, what is sealed, and erasure


def test_dos4_dos5_member_services_record_them_no_member():
    for command in (RecordGmd, EndGmd, RecordMedicalAgreement):
        assert command.allowed_roles == {"member_services", "admin"}


def test_dos4_dos5_the_gp_the_advantage_and_what_an_agreement_is_about_are_health_data():
    sealed = {
        event.type_name: {(".".join(f.path), f.category) for f in personal_fields(event)}
        for event in (GmdRecorded, GmdEnded, MedicalAgreementRecorded)
    }

    assert sealed == {
        "GmdRecorded": {
            ("gp_riziv_number", "health"),
            ("gp_name", "health"),
            ("advantage", "health"),
        },
        "GmdEnded": set(),
        "MedicalAgreementRecorded": {("nomenclature_code", "health"), ("description", "health")},
    }


def test_dos12_an_erased_person_has_no_gmd_or_agreement_left_on_the_booklet():
    els = booklet()
    els.record_gmd(gmd_at())
    els.record_medical_agreement(agreement())
    lotte = agreement(agreement_id="A-2026-0050", national_register_number=LOTTE)
    els.record_medical_agreement(lotte)

    els.record(PersonErased(booklet_id="b-1", person_id=ELS_ID, restricted=("financial",)))

    assert els.gmds == {}
    assert list(els.agreements) == ["A-2026-0050"]


@pytest.fixture
def store() -> InMemoryEventStore:
    views = {PersonIndex: FakePersonIndex(), Persons: FakePersons(), Exports: FakeExports()}
    return InMemoryEventStore("dossier", views=views)


async def run(store: InMemoryEventStore, command: Command, actor: Actor = STAFF) -> None:
    """Runs the command's handler as the dossier's bus does, and commits what it did."""
    envelope = CommandEnvelope(
        type=command.type_name, payload=command.model_dump(mode="json"), issued_at=CLOCK.now()
    )
    async with store.unit_of_work(CLOCK) as uow:
        handler = dossier_service.command_handlers[type(command)]
        await handler(command, CommandContext(uow, envelope, actor))
        await uow.commit()


async def test_dos12_an_erasure_shreds_the_health_key_the_gmd_and_agreements_are_sealed_with(
    store,
):
    await enrolled(store)
    await run(store, gmd_at())
    await run(store, agreement())
    els = person_id(store, ELS)

    await run(store, ErasePerson(booklet_id="b-1", national_register_number=ELS))

    assert (els, "health") in store.shredded()
    types = [envelope.type for envelope in store.events("booklet-b-1")]
    assert types == ["MemberEnrolled", "GmdRecorded", "MedicalAgreementRecorded", "PersonErased"]


def test_dos12_the_dossiers_part_of_a_copy_holds_the_persons_gmd_and_agreements():
    gmd = {"person_id": "p-els", "booklet_id": "b-1", "end_date": None} | {
        "gp_riziv_number": DR_JANSSENS,
        "gp_name": "Dr. An Janssens",
        "start_date": date(2024, 3, 1),
        "advantage": "consultations",
    }
    signed = agreement().model_dump(exclude={"booklet_id", "national_register_number"})

    part = dossier_part.part(ELS_ROW, BOOKLET, gmd, [signed])

    assert part["gmd"] == {
        "gp_riziv_number": DR_JANSSENS,
        "gp_name": "Dr. An Janssens",
        "start_date": "2024-03-01",
        "advantage": "consultations",
        "end_date": None,
    }
    [shown] = part["medical_agreements"]
    assert (shown["agreement_id"], shown["nomenclature_code"]) == ("A-2026-0042", "560011")
    assert (shown["valid_from"], shown["valid_to"], shown["status"]) == (
        "2026-01-01",
        "2026-12-31",
        "requested",
    )
    assert dossier_part.part(ELS_ROW, BOOKLET)["gmd"] is None
