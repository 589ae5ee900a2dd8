"""DOS-1, DOS-2: the member booklet, its persons and their contact details, validated; every
bad input is refused with a reason and changes nothing."""

from __future__ import annotations

import uuid

import pytest

from mutualis.staff import send_command
from services.dossier.app import definition as dossier_service
from services.identity.app import definition as identity_service
from tests.support.http import bearer, client
from tests.support.kafka import eventually
from tests.support.services import running

HOLDER = {
    "national_register_number": "85.07.30-033.28",
    "first_name": "Els",
    "last_name": "Peeters",
    "birth_date": "1985-07-30",
    "language": "nl",
    "nationality": "BE",
    "regional_fund": "bondmoyson-oost-vlaanderen",
}


def with_check_digits(first_nine: str, born_in_2000s: bool) -> str:
    number = int(("2" if born_in_2000s else "") + first_nine)
    return f"{first_nine}{97 - number % 97:02d}"


CHILD = {
    **HOLDER,
    "national_register_number": with_check_digits("120515123", born_in_2000s=True),
    "first_name": "Lotte",
    "birth_date": "2012-05-15",
}


@pytest.fixture
async def dossier(database_url, kafka):
    async with running(dossier_service, database_url, kafka) as runtime:
        yield runtime


async def send(kafka, command: str, payload: dict):
    return await send_command(kafka, "dossier", command, payload, "staff:member-services", 30)


async def enrolled(kafka) -> str:
    booklet_id = str(uuid.uuid4())
    outcome = await send(kafka, "EnrolMember", {"booklet_id": booklet_id, "holder": HOLDER})
    assert outcome.status == "accepted", outcome.reason
    return booklet_id


async def test_dos1_dos2_a_booklet_with_holder_dependant_and_contact_details(
    dossier, kafka, tmp_path
):
    booklet_id = await enrolled(kafka)
    added = await send(kafka, "AddDependant", {"booklet_id": booklet_id, "dependant": CHILD})
    changed = await send(
        kafka,
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

    token = await staff_token(kafka, tmp_path)
    async with client(dossier) as api:
        response = await _eventually_get(api, f"/booklets/{booklet_id}", token, persons=2)
    holder, child = response.json()
    assert holder["role"] == "holder" and holder["national_register_number"] == "85073003328"
    assert (holder["email"], holder["phone"], holder["iban"]) == (
        "els.peeters@example.be",
        "+32470123456",
        "BE71096123456769",
    )
    assert child["role"] == "dependant" and child["first_name"] == "Lotte"


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
    dossier, kafka, command, change, reason
):
    booklet_id = str(uuid.uuid4())
    payload = (
        {"booklet_id": booklet_id, "holder": HOLDER}
        if command == "EnrolMember"
        else {"booklet_id": booklet_id}
    )

    outcome = await send(kafka, command, {**payload, **change})

    assert outcome.status == "rejected" and reason.lower() in outcome.reason.lower(), outcome.reason
    async with dossier.database.read() as conn:
        assert await dossier.store.read_stream(conn, f"booklet-{booklet_id}") == []


async def test_dos1_a_person_is_on_one_booklet_only(dossier, kafka):
    first = await send(kafka, "EnrolMember", {"booklet_id": str(uuid.uuid4()), "holder": HOLDER})
    second = await send(kafka, "EnrolMember", {"booklet_id": str(uuid.uuid4()), "holder": HOLDER})

    assert first.status == "accepted"
    assert second.status == "rejected" and second.reason == "this person is already on a booklet"


async def staff_token(kafka, tmp_path) -> str:
    identity_db = f"sqlite+aiosqlite:///{tmp_path / 'identity.sqlite'}"
    async with running(identity_service, identity_db, kafka) as identity:
        account = {
            "account_id": "ms-1",
            "login": "member-services",
            "password": "a long staff password",
            "role": "member_services",
        }
        await send_command(kafka, "identity", "RegisterPortalAccount", account, "staff:admin", 30)
        async with client(identity) as api:
            login = {"login": "member-services", "password": "a long staff password"}
            return (await api.post("/login", json=login)).json()["access_token"]


async def _eventually_get(api, path: str, token: str, persons: int):
    async def arrived():
        response = await api.get(path, headers=bearer(token))
        return response if response.status_code == 200 and len(response.json()) == persons else None

    response = await eventually(arrived)
    assert response is not None, "the booklet never became readable"
    return response
