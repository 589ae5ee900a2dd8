"""Issue 8, item 6: a member forged complaint facts over Kafka (a receipt date in 2025 or 2099,
another person's name). Over both ways in, the Kafka command and the portal route, the service
now says who a member's complaint is from, by which channel and when it arrived (CMP-2,
CMP-3, CMP-9, CMP-11); staff still date a letter, within bounds. A refused registration
changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from mutualis.staff import send_command
from services.complaints.app import definition as complaints_service
from tests.support import dossier
from tests.support.dossier import insz
from tests.support.http import bearer, client
from tests.support.recorded import recorded
from tests.support.services import running

ELS, BRAM = insz(date(1985, 7, 30), 33), insz(date(1990, 2, 1), 45)
COMPLAINT = {"complainant_name": "Els Peeters", "subject": "Refund", "description": "Missing."}
FORGED = {
    "received_at": (
        {"received_at": "2025-01-06T09:00:00+01:00"},  # an acknowledgement breach, made up
        {"received_at": "2099-01-01T00:00:00+01:00"},  # a deadline that never comes
    ),
    "complainant_person": ({"complainant_name": "Bram Janssens", "complainant_person": BRAM},),
    "channel": ({"channel": "letter"},),
}


async def test_issue8_6_cmp11_a_member_cannot_forge_complaint_facts_over_kafka(
    database_url, kafka, signer, clock
):
    els = f"els-{uuid.uuid4().hex[:6]}"
    async with running(complaints_service, database_url, kafka, clock) as service:
        await signer.known_by(service)
        await signer.announce_member(service, els, ELS)

        async def as_els(payload: dict):
            token = signer.sender("member", account_id=els)
            return await send_command(kafka, "complaints", "RegisterComplaint", payload, token, 30)

        forged = {
            field: [await as_els(COMPLAINT | fields) for fields in attempts]
            for field, attempts in FORGED.items()
        }
        nothing_yet = await recorded(service, "ComplaintRegistered")
        honest = await as_els(COMPLAINT)
        [registered] = [e.payload for e in await recorded(service, "ComplaintRegistered")]

    for field, outcomes in forged.items():
        for outcome in outcomes:
            assert outcome.status == "rejected"
            assert outcome.reason.startswith(f"a member may not set {field}: "), outcome.reason
    assert nothing_yet == []
    assert honest.status == "accepted", honest.reason
    # The outcome carries the event without its sealed values' ciphertext, as a reader without
    # the key would read it; the service reads it opened.
    [sent_back] = [e.payload for e in honest.events if e.type == "ComplaintRegistered"]
    assert sent_back["complainant_person"] == {"$sealed": "identification"}
    assert (registered["complainant_person"], registered["channel"]) == (
        dossier.person_id(ELS),
        "portal",
    )
    assert datetime.fromisoformat(registered["received_at"]) == clock.now()


async def test_issue8_6_cmp11_the_portal_refuses_complaint_facts_a_member_states(
    database_url, kafka, signer, clock
):
    async with running(complaints_service, database_url, kafka, clock) as service:
        await signer.known_by(service)
        await signer.announce_member(service, "els", ELS)
        els = bearer(signer.token("member", "els"))
        async with client(service) as api:
            refused = {
                field: await api.post("/complaints", json=COMPLAINT | {field: value}, headers=els)
                for field, value in [
                    ("received_at", "2099-01-01T00:00:00+01:00"),
                    ("complainant_person", BRAM),
                    ("channel", "letter"),
                ]
            }
            blank = await api.post("/complaints", json=COMPLAINT | {"subject": "  "}, headers=els)
            registered = await recorded(service, "ComplaintRegistered")

    for field, response in refused.items():
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["loc"] == ["body", field] and error["type"] == "extra_forbidden"
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["msg"] == "must not be blank (only spaces)"
    assert registered == []


async def test_issue8_6_cmp2_staff_date_a_letter_but_not_in_the_future_nor_years_back(
    database_url, kafka, signer, clock
):
    now = clock.now()
    arrived = now - timedelta(days=5)

    async def as_handler(received_at: datetime):
        payload = COMPLAINT | {"received_at": received_at.isoformat()}
        return await signer.send("complaints", "RegisterComplaint", payload, "complaints_handler")

    async with running(complaints_service, database_url, kafka, clock) as service:
        await signer.known_by(service)
        letter = await as_handler(arrived)
        tomorrow = await as_handler(now + timedelta(days=1))
        typo = await as_handler(datetime(2016, 3, 2, 9, tzinfo=UTC))
        registered = await recorded(service, "ComplaintRegistered")

    assert letter.status == "accepted", letter.reason
    assert [datetime.fromisoformat(e.payload["received_at"]) for e in registered] == [arrived]
    assert [e.payload["channel"] for e in registered] == ["letter"]
    assert tomorrow.status == "rejected" and "is in the future" in tomorrow.reason
    assert typo.status == "rejected" and "more than 365 days ago" in typo.reason
