"""DOS-1, DOS-2: the member booklet, its persons with their address, entitlement codes and VT
status, and their contact details, validated; every bad input is refused with a reason and
changes nothing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.dossier.app import definition as dossier_service
from tests.support.dossier import insz
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually

ADDRESS = {
    "street": "Veldstraat",
    "house_number": "12",
    "box": "3",
    "postal_code": "9000",
    "municipality": "Gent",
    "country": "BE",
}
NO_VT = {"cg1": "110", "cg2": "110", "increased_reimbursement": False}
VT_FROM_BEFORE_BIRTH = {
    "cg1": "111",
    "cg2": "111",
    "increased_reimbursement": True,
    "increased_reimbursement_since": "1985-07-29",
}

HOLDER = {
    "national_register_number": "85.07.30-033.28",
    "first_name": "Els",
    "last_name": "Peeters",
    "birth_date": "1985-07-30",
    "language": "nl",
    "nationality": "BE",
    "regional_fund": "bondmoyson-oost-vlaanderen",
    "address": ADDRESS,
    "entitlement": NO_VT,
}
ELS = "85073003328"


CHILD = {
    **HOLDER,
    "national_register_number": insz(date(2012, 5, 15), 123),
    "first_name": "Lotte",
    "birth_date": "2012-05-15",
}


@pytest.fixture
async def dossier(database_url, kafka, signer):
    async with running(dossier_service, database_url, kafka) as runtime:
        await signer.known_by(runtime)
        yield runtime


async def send(signer, command: str, payload: dict):
    return await signer.send("dossier", command, payload, "member_services")


async def enrolled(signer) -> str:
    booklet_id = str(uuid.uuid4())
    outcome = await send(signer, "EnrolMember", {"booklet_id": booklet_id, "holder": HOLDER})
    assert outcome.status == "accepted", outcome.reason
    return booklet_id


async def test_dos1_dos2_a_booklet_with_holder_dependant_and_contact_details(dossier, signer):
    booklet_id = await enrolled(signer)
    added = await send(signer, "AddDependant", {"booklet_id": booklet_id, "dependant": CHILD})
    changed = await send(
        signer,
        "ChangeContactDetails",
        {
            "booklet_id": booklet_id,
            "national_register_number": "85073003328",
            "email": "els.peeters@example.be",
            "phone": "0470 12 34 56",
            "iban": "BE71 0961 2345 6769",
        },
    )
    assert added.status == changed.status == "accepted"

    token = signer.token("member_services")
    async with client(dossier) as api:
        # Both persons can be in the view before the contact details are.
        response = await _eventually_get(
            api, f"/booklets/{booklet_id}", token, persons=2, ready=lambda p: p[0]["email"]
        )
    holder, child = response.json()
    assert holder["role"] == "holder" and holder["national_register_number"] == "85073003328"
    assert (holder["email"], holder["phone"], holder["iban"]) == (
        "els.peeters@example.be",
        "+32470123456",
        "BE71096123456769",
    )
    assert child["role"] == "dependant" and child["first_name"] == "Lotte"


async def test_issue13_member_services_find_a_person_by_number_or_name_and_nobody_else_does(
    dossier, signer
):
    booklet_id = await enrolled(signer)
    assert (
        await send(signer, "AddDependant", {"booklet_id": booklet_id, "dependant": CHILD})
    ).status == "accepted"
    token = signer.token("member_services")
    async with client(dossier) as api:
        await _eventually_get(api, f"/booklets/{booklet_id}", token, persons=2)

        async def search(body: dict, as_token: str = token):
            return await api.post("/persons/search", json=body, headers=bearer(as_token))

        by_number = await search({"national_register_number": "85.07.30-033.28"})
        assert by_number.status_code == 200, by_number.text
        assert [(p["first_name"], p["booklet_id"]) for p in by_number.json()] == [
            ("Els", booklet_id)
        ]
        by_name = await search({"last_name": "peet"})
        assert sorted(p["first_name"] for p in by_name.json()) == ["Els", "Lotte"]
        assert (await search({"last_name": "Janssens"})).json() == []

        wrong = await search({"national_register_number": "85073003327"})
        assert wrong.status_code == 422 and "check digits" in wrong.text
        neither = await search({})
        assert (
            neither.status_code == 422
            and "a national register number or a last name" in neither.text
        )
        both = await search({"national_register_number": ELS, "last_name": "Peeters"})
        assert both.status_code == 422
        member = await search({"last_name": "Peeters"}, signer.token("member"))
        assert member.status_code == 403 and member.json()["code"] == "role_not_allowed"


@pytest.mark.parametrize(
    ("command", "change", "reason"),
    [
        (
            "EnrolMember",
            {"holder": {**HOLDER, "national_register_number": "85073003327"}},
            "check digits do not match",
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "regional_fund": "lm-plus"}},
            "no regional fund 'lm-plus' in federation 'socialist'",
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "birth_date": "1985-07-31"}},
            "the birth date does not match the national register number",
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "address": {**ADDRESS, "postal_code": "900"}}},
            (
                "holder.address.postal_code: Value error, postal code '900': "
                "a Belgian postal code has 4 digits, not 3"
            ),
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "address": {**ADDRESS, "postal_code": "0999"}}},
            "Belgian postal codes run from 1000 to 9999",
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "address": {**ADDRESS, "country": "UK"}}},
            "country code 'UK': not an ISO 3166-1 code: write GB",
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "address": None}},
            "holder: Value error, a new person needs an address",
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "entitlement": {**NO_VT, "cg1": "11"}}},
            (
                "holder.entitlement.cg1: Value error, entitlement code '11': "
                "a code gerechtigde (CG1, CG2) has 3 digits, like 110"
            ),
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "entitlement": {**NO_VT, "increased_reimbursement": True}}},
            "increased reimbursement (VT) granted: give the date it starts",
        ),
        (
            "EnrolMember",
            {"holder": {**HOLDER, "entitlement": VT_FROM_BEFORE_BIRTH}},
            "increased reimbursement (VT) cannot start before the person's birth",
        ),
        (
            "ChangeContactDetails",
            {"national_register_number": "85073003328", "iban": "BE71 0961 2345 6768"},
            "invalid checksum",
        ),
        (
            "ChangeContactDetails",
            {"national_register_number": "85073003328", "phone": "0470 12 34 5"},
            "phone number",
        ),
        (
            "ChangeContactDetails",
            {"national_register_number": "85073003328", "email": "els@"},
            "e-mail",
        ),
    ],
)
async def test_dos1_dos2_bad_input_is_refused_with_its_reason_and_changes_nothing(
    dossier, signer, command, change, reason
):
    booklet_id = str(uuid.uuid4())
    payload = (
        {"booklet_id": booklet_id, "holder": HOLDER}
        if command == "EnrolMember"
        else {"booklet_id": booklet_id}
    )

    outcome = await send(signer, command, {**payload, **change})

    assert outcome.status == "rejected" and reason.lower() in outcome.reason.lower(), outcome.reason
    async with dossier.database.read() as conn:
        assert await dossier.store.read_stream(conn, f"booklet-{booklet_id}") == []


async def test_dos1_a_person_is_on_one_booklet_only(dossier, signer):
    first = await send(signer, "EnrolMember", {"booklet_id": str(uuid.uuid4()), "holder": HOLDER})
    second = await send(signer, "EnrolMember", {"booklet_id": str(uuid.uuid4()), "holder": HOLDER})

    assert first.status == "accepted"
    assert second.status == "rejected" and second.reason == "this person is already on a booklet"


def entitlement_change(booklet_id: str, cg: str, vt: bool, since: str, insz: str = ELS) -> dict:
    return {
        "booklet_id": booklet_id,
        "national_register_number": insz,
        "cg1": cg,
        "cg2": cg,
        "increased_reimbursement": vt,
        "since": since,
    }


async def test_dos1_a_person_has_an_address_and_entitlement_and_both_change(dossier, signer):
    booklet_id = await enrolled(signer)
    abroad = {
        "street": "Damrak",
        "house_number": "1",
        "postal_code": "1012 lg",
        "municipality": "Amsterdam",
        "country": "nl",
    }

    moved = await send(
        signer,
        "ChangeAddress",
        {"booklet_id": booklet_id, "national_register_number": ELS, "address": abroad},
    )
    granted = await send(
        signer, "ChangeEntitlement", entitlement_change(booklet_id, "111", True, "2025-01-01")
    )
    recoded = await send(
        signer, "ChangeEntitlement", entitlement_change(booklet_id, "121", True, "2025-06-01")
    )

    assert [moved.status, granted.status, recoded.status] == ["accepted"] * 3
    token = signer.token("member_services")
    async with client(dossier) as api:
        els = await _eventually_person(
            api, booklet_id, token, lambda p: p["entitlement"]["cg1"] == "121"
        )
    assert els["address"] == {
        "country": "NL",
        "street": "Damrak",
        "house_number": "1",
        "box": None,
        "postal_code": "1012 LG",
        "municipality": "Amsterdam",
    }
    # VT granted on 1 January stays granted: the later decision keeps the day it started.
    assert els["entitlement"] == {
        "cg1": "121",
        "cg2": "121",
        "increased_reimbursement": True,
        "increased_reimbursement_since": "2025-01-01",
    }


async def test_dos1_vt_granted_at_enrolment_is_shown_and_can_be_withdrawn(dossier, signer):
    booklet_id = str(uuid.uuid4())
    vt = {**NO_VT, "cg1": "111", "cg2": "111", "increased_reimbursement": True}
    holder = {**HOLDER, "entitlement": {**vt, "increased_reimbursement_since": "2024-03-01"}}

    enrolment = await send(signer, "EnrolMember", {"booklet_id": booklet_id, "holder": holder})
    assert enrolment.status == "accepted", enrolment.reason
    token = signer.token("member_services")
    async with client(dossier) as api:
        els = await _eventually_person(api, booklet_id, token, lambda p: True)
    assert els["address"] == ADDRESS
    assert els["entitlement"]["increased_reimbursement_since"] == "2024-03-01"

    withdrawn = await send(
        signer, "ChangeEntitlement", entitlement_change(booklet_id, "110", False, "2025-01-01")
    )

    assert withdrawn.status == "accepted", withdrawn.reason
    [event] = withdrawn.events
    assert event.type == "EntitlementChanged" and event.payload["since"] == "2025-01-01"
    assert event.payload["entitlement"] == {**NO_VT, "increased_reimbursement_since": None}
    async with client(dossier) as api:
        els = await _eventually_person(
            api, booklet_id, token, lambda p: not p["entitlement"]["increased_reimbursement"]
        )
    assert els["entitlement"] == {**NO_VT, "increased_reimbursement_since": None}


@pytest.mark.parametrize(
    ("command", "change", "reason"),
    [
        (
            "ChangeAddress",
            {"address": {**ADDRESS, "postal_code": "90000"}},
            (
                "address.postal_code: Value error, postal code '90000': "
                "a Belgian postal code has 4 digits, not 5"
            ),
        ),
        (
            "ChangeAddress",
            {"address": {**ADDRESS, "country": "BEL"}},
            "country code 'BEL': write the two-letter code BE",
        ),
        (
            "ChangeAddress",
            {"address": ADDRESS},
            "nothing to change: this is already the person's address",
        ),
        (
            "ChangeAddress",
            {"national_register_number": CHILD["national_register_number"], "address": ADDRESS},
            "no such person on booklet",
        ),
        (
            "ChangeEntitlement",
            {"cg2": "1100"},
            (
                "cg2: Value error, entitlement code '1100': "
                "a code gerechtigde (CG1, CG2) has 3 digits, like 110"
            ),
        ),
        (
            "ChangeEntitlement",
            {"since": "1985-07-29"},
            "an entitlement cannot apply from before the person's birth",
        ),
        (
            "ChangeEntitlement",
            {"cg1": "110", "cg2": "110", "increased_reimbursement": False},
            "nothing to change: the person has these codes and VT status",
        ),
        (
            "ChangeEntitlement",
            {"national_register_number": CHILD["national_register_number"]},
            "no such person on booklet",
        ),
    ],
)
async def test_dos1_a_bad_change_of_address_or_entitlement_is_refused_and_changes_nothing(
    dossier, signer, command, change, reason
):
    booklet_id = await enrolled(signer)
    base = (
        {"booklet_id": booklet_id, "national_register_number": ELS}
        if command == "ChangeAddress"
        else entitlement_change(booklet_id, "111", True, "2025-01-01")
    )

    outcome = await send(signer, command, {**base, **change})

    assert outcome.status == "rejected" and reason in outcome.reason, outcome.reason
    async with dossier.database.read() as conn:
        history = await dossier.store.read_stream(conn, f"booklet-{booklet_id}")
    assert [e.type for e in history] == ["MemberEnrolled"]


async def _eventually_person(api, booklet_id: str, token: str, until) -> dict:
    """The booklet's first person (the holder) once the read model shows `until` of them."""

    async def arrived():
        response = await api.get(f"/booklets/{booklet_id}", headers=bearer(token))
        if response.status_code == 200 and until(person := response.json()[0]):
            return person
        return None

    person = await eventually(arrived)
    assert person is not None, "the booklet never showed the change"
    return person


async def _eventually_get(api, path: str, token: str, persons: int, ready=lambda _: True):
    """The booklet once it lists `persons` persons and they are `ready`."""

    async def arrived():
        response = await api.get(path, headers=bearer(token))
        if response.status_code != 200 or len(response.json()) != persons:
            return None
        return response if ready(response.json()) else None

    response = await eventually(arrived)
    assert response is not None, "the booklet never became readable"
    return response
