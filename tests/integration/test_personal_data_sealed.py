"""Principle 7, issue 10 item 2: a complaint's personal fields are sealed in the event store and
on its topics, read in clear by the complaints service only, and gone once their keys are
shredded: a projection rebuilt from the first event then shows them erased. A wrong KEK stops
the service at start; an altered value is read as unreadable and stops nothing."""

from __future__ import annotations

import base64
import json
import os

import pytest
from sqlalchemy import select, update

from services.complaints.app import definition as complaints_service
from services.complaints.read_model import complaints
from shared.eventstore.schema import events
from shared.messaging.topics import events_topic, outcomes_topic
from shared.privacy.keys import DataKeys, WrongKek
from shared.service import Runtime
from tests.support.kafka import read_topic
from tests.support.procedure import send
from tests.support.services import running, settings_for
from tests.support.staff import HANDLER

NAME, EMAIL, PERSON = "Els Peeters", "els.peeters@example.org", "85073003328"
STORY = "My physiotherapy of March was never reimbursed"
SECRETS = (NAME, EMAIL, PERSON, STORY, "PAY-2026-42")


async def file_complaint(service) -> tuple[str, str]:
    outcome = await send(
        service,
        "RegisterComplaint",
        {
            "complainant_name": NAME,
            "complainant_email": EMAIL,
            "complainant_person": PERSON,
            "subject": "Refund",
            "description": STORY,
            "reference": {"kind": "payment", "text": "PAY-2026-42"},
        },
        HANDLER,
    )
    [registered] = [e for e in outcome.events if e.type == "ComplaintRegistered"]
    return registered.payload["complaint_id"], registered.payload["file_number"]


async def stored_payloads(service) -> str:
    async with service.database.read() as conn:
        return json.dumps(list(await conn.scalars(select(events.c.payload))))


async def read_model_row(service, file_number: str) -> dict:
    await service.projector.run_until_caught_up()
    async with service.database.read() as conn:
        query = select(complaints).where(complaints.c.file_number == file_number)
        return dict((await conn.execute(query)).one()._mapping)


async def test_principle7_a_complaint_is_sealed_at_rest_and_on_its_topics_and_read_in_clear(
    database_url, kafka
):
    async with running(complaints_service, database_url, kafka) as service:
        complaint_id, file_number = await file_complaint(service)
        row = await read_model_row(service, file_number)
        at_rest = await stored_payloads(service)
        published = await read_topic(
            kafka.bootstrap_servers, events_topic(kafka, "complaints"), at_least=2
        )
        answered = await read_topic(
            kafka.bootstrap_servers, outcomes_topic(kafka, "complaints"), at_least=1
        )

    assert (row["complainant_name"], row["complainant_email"]) == (NAME, EMAIL)
    assert (row["complainant_person"], row["description"]) == (PERSON, STORY)
    assert row["reference"] == "PAY-2026-42" and row["reference_kind"] == "payment"
    assert complaint_id in at_rest and file_number in at_rest
    on_topics = b"".join(r.value for r in [*published, *answered])
    assert len(published) >= 2 and answered
    for secret in SECRETS:
        assert secret not in at_rest, secret
        assert secret.encode() not in on_topics, secret


async def test_principle7_shredded_keys_leave_the_complaint_erased_after_a_rebuild(
    database_url, kafka
):
    async with running(complaints_service, database_url, kafka, background=False) as service:
        complaint_id, file_number = await file_complaint(service)
        before = await read_model_row(service, file_number)
        async with service.database.begin() as conn:
            shredded = await DataKeys(conn, service.store.kek).shred(
                complaint_id, service.clock.now()
            )
        await service.projector.rebuild("complaints")
        after = await read_model_row(service, file_number)

    assert before["complainant_name"] == NAME
    assert shredded == 3  # identification, contact, complaint
    assert after["file_number"] == file_number and after["status"] == before["status"]
    assert after["received_at"] == before["received_at"]
    for column in ("complainant_name", "complainant_email", "complainant_person", "description"):
        assert after[column] == "erased", column
    assert after["reference"] == "erased" and after["reference_kind"] == "payment"


async def test_principle7_an_altered_sealed_value_reads_as_unreadable_and_stops_nothing(
    database_url, kafka
):
    async with running(complaints_service, database_url, kafka, background=False) as service:
        _, file_number = await file_complaint(service)
        async with service.database.begin() as conn:
            position, payload = (
                await conn.execute(
                    select(events.c.position, events.c.payload).where(
                        events.c.type == "ComplaintRegistered"
                    )
                )
            ).one()
            token = payload["description"]["$sealed"]
            payload["description"]["$sealed"] = token[::-1]
            await conn.execute(
                update(events).where(events.c.position == position).values(payload=payload)
            )
        await service.projector.rebuild("complaints")
        row = await read_model_row(service, file_number)

    assert row["description"] == "unreadable"
    assert row["complainant_name"] == NAME


async def test_principle7_a_service_started_with_another_kek_stops_with_a_clear_error(
    database_url, kafka, monkeypatch
):
    async with running(complaints_service, database_url, kafka, background=False) as service:
        await file_complaint(service)
    monkeypatch.delenv("MUTUALIS_KEK_FILE")
    monkeypatch.setenv("MUTUALIS_KEK", base64.b64encode(os.urandom(32)).decode())
    stranger = Runtime(complaints_service, settings_for("complaints", database_url, kafka))

    with pytest.raises(WrongKek, match="does not open this database's data keys"):
        await stranger.start(background=False)
    await stranger.stop()
