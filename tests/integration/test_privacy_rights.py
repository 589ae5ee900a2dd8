"""DOS-12 (issue 10, item 4), the member's rights, the request side, in a running dossier and
monitoring, on SQLite and PostgreSQL with a real broker: a request's one-month deadline as a
durable timer on a fake clock (nothing sleeps), the copy for an access request assembled from
each service's part as they come through Kafka (the dossier's own included), and the
restriction and consents on the person's file."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import select

from services.dossier.app import definition as dossier_service
from services.dossier.privacy_read_model import personal_data_exports
from services.monitoring.app import definition as monitoring_service
from services.monitoring.privacy_deadlines import OpenPrivacyRequest, open_requests
from shared.access.persons import Persons
from shared.clock import FakeClock
from shared.contracts import Actor, Event, EventEnvelope
from shared.contracts.access import AccessGranted
from shared.contracts.privacy import PersonalDataExported
from shared.eventstore.schema import events as events_table
from shared.messaging.broker import event_headers
from shared.messaging.topics import ensure_topics, events_topic
from tests.integration.test_complaint_procedure import settled
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.procedure import brussels, fire, send
from tests.support.recorded import recorded
from tests.support.services import running
from tests.support.trust import signed_headers
from tests.support.waiting import eventually

STAFF = Actor(account_id="staff-1", role="member_services", authenticated_by="pwd")
ELS_ACCOUNT = Actor(account_id="els", role="member", authenticated_by="pwd")
ELS = facts.insz(date(1985, 7, 30), 33)
LOTTE = facts.insz(date(2014, 5, 3), 12)
# The parts of the services not running here, as their relays would publish them.
PARTS = {
    "identity": {"accounts": [{"login": "els.peeters", "registered_on": "2026-01-05"}]},
    "complaints": {"complaints": [{"file_number": "2026-000001", "subject": "Refund"}]},
    "payments": {"payments": [{"value_date": "2026-01-06", "amount": "21.50", "items": []}]},
    "einvoicing": {"invoices": [{"invoice_id": "INV-2026-01-b-1", "total": "31.20"}]},
}


async def family(dossier, booklet_id: str = "b-1") -> tuple[str, str]:
    """Els and her daughter Lotte, enrolled by member services; their person ids, once the
    dossier's projection knows them."""
    holder = {"booklet_id": booklet_id, "holder": facts.person(ELS).model_dump(mode="json")}
    await send(dossier, "EnrolMember", holder, STAFF)
    lotte = facts.person(LOTTE, first_name="Lotte", birth_date=date(2014, 5, 3))
    child = {"booklet_id": booklet_id, "dependant": lotte.model_dump(mode="json")}
    await send(dossier, "AddDependant", child, STAFF)
    await settled(dossier)
    return await facts.person_id_in(dossier, ELS), await facts.person_id_in(dossier, LOTTE)


async def test_dos12_a_privacy_request_fires_its_overdue_event_at_day_31(
    database_url, kafka, tmp_path
):
    """The one-month deadline of a request fires its overdue event at day 31: received on
    1 April (a month of 30 days), due on 1 May, nothing on that day; overdue as the clock
    passes into 2 May, and monitoring shows it."""
    clock = FakeClock(brussels("2026-04-01", 10))
    monitoring_db = f"sqlite+aiosqlite:///{tmp_path / 'monitoring.sqlite'}"
    async with (
        running(dossier_service, database_url, kafka, clock) as dossier,
        running(monitoring_service, monitoring_db, kafka, clock) as monitoring,
    ):
        els, _ = await family(dossier)
        request = {"person_id": els, "right": "rectification", "details": "My name is Els."}
        submitted = await send(dossier, "SubmitPrivacyRequest", request, STAFF)
        [received] = [e for e in submitted.events if e.type == "PrivacyRequestReceived"]
        request_id = received.payload["request_id"]
        assert received.payload["due_on"] == "2026-05-01"

        clock.set(brussels("2026-05-01", 23, 59))  # day 30: the last minute of the due day
        await fire(dossier)
        assert await recorded(dossier, "PrivacyRequestOverdue") == []

        clock.set(brussels("2026-05-02"))  # day 31
        assert (date(2026, 5, 2) - date(2026, 4, 1)).days == 31
        await fire(dossier)
        overdue = await eventually(lambda: recorded(dossier, "PrivacyRequestOverdue"))

        async def seen_overdue():
            async with monitoring.database.read() as conn:
                shown = await open_requests(conn)
            return shown if shown and shown[0].overdue else None

        shown = await eventually(seen_overdue)

    [event] = overdue
    assert event.payload == {"request_id": request_id, "person_id": els, "due_on": "2026-05-01"}
    assert event.occurred_at == brussels("2026-05-02")
    assert shown == [
        OpenPrivacyRequest(
            request_id=request_id,
            right="rectification",
            received_at=brussels("2026-04-01", 10),
            due_on=date(2026, 5, 1),
            overdue=True,
        )
    ]


async def test_dos12_monitoring_lists_the_open_privacy_requests_to_staff_only(
    database_url, kafka, signer
):
    async with running(monitoring_service, database_url, kafka) as monitoring:
        await signer.known_by(monitoring)
        await signer.announce_member(monitoring, "els", ELS)
        async with client(monitoring) as api:
            anonymous = await api.get("/privacy-requests")
            member = await api.get(
                "/privacy-requests", headers=bearer(signer.token("member", "els"))
            )
            staff = {
                role: await api.get("/privacy-requests", headers=bearer(signer.token(role)))
                for role in ("complaints_handler", "mediator", "member_services", "admin")
            }

    assert anonymous.status_code == 401
    assert member.status_code == 403 and member.json()["code"] == "role_not_allowed"
    assert {role: (r.status_code, r.json()) for role, r in staff.items()} == {
        role: (200, []) for role in staff
    }


# The member's side, over the dossier's API


@pytest.fixture
async def dossier(database_url, kafka, signer):
    async with running(dossier_service, database_url, kafka) as runtime:
        await signer.known_by(runtime)
        yield runtime


async def members(dossier, signer) -> tuple[str, str]:
    """Els (who may act for her daughter Lotte) and Jan, members with portal accounts; Els's
    and Lotte's person ids."""
    els, lotte = await family(dossier)
    await signer.announce_member(dossier, "els", ELS, els)
    await signer.announce_member(dossier, "jan", facts.insz(date(1979, 3, 2), 45))
    await signer.publish(AccessGranted(holder=els, person=lotte, why="child under 16"), "g-1")

    async def granted() -> bool:
        async with dossier.database.read() as conn:
            return lotte in await Persons(conn).persons_of(ELS_ACCOUNT)

    assert await eventually(granted), "the dossier never learnt Els's access to Lotte"
    return els, lotte


async def publish_part(kafka, producer: str, request_id: str, person_id: str) -> None:
    """`producer`'s part, on its own topic and signed by it, as its relay publishes it."""
    exported = PersonalDataExported(
        request_id=request_id, person_id=person_id, service=producer, part=PARTS[producer]
    )
    await publish(kafka, producer, exported, f"personal-data-export-{request_id}")


async def publish(kafka, producer: str, event: Event, stream_id: str) -> None:
    envelope = EventEnvelope(
        event_id=str(uuid.uuid4()),
        type=event.type_name,
        version=event.version,
        occurred_at=datetime.now(UTC),
        stream_id=stream_id,
        stream_version=1,
        correlation_id=str(uuid.uuid4()),
        producer=producer,
        payload=event.model_dump(mode="json"),
    )
    topic = events_topic(kafka, producer)
    await ensure_topics(kafka, [topic])
    sender = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    await sender.start()
    value = envelope.model_dump_json().encode()
    try:
        await sender.send_and_wait(
            topic,
            value,
            key=stream_id.encode(),
            headers=signed_headers(producer, value, event_headers(envelope)),
        )
    finally:
        await sender.stop()


async def stored_part(dossier, request_id: str) -> dict:
    """The dossier's part as its store keeps it."""
    async with dossier.database.read() as conn:
        payloads = await conn.scalars(
            select(events_table.c.payload).where(events_table.c.type == "PersonalDataExported")
        )
        [payload] = [p for p in payloads if p["request_id"] == request_id]
    return payload["part"]


async def test_dos12_a_member_asks_for_a_copy_and_downloads_it_once_every_services_part_is_in(
    dossier, signer, kafka
):
    els, _ = await members(dossier, signer)
    els_token, jan_token = signer.token("member", "els"), signer.token("member", "jan")
    staff_token = signer.token("member_services")
    async with client(dossier) as api:
        submitted = await api.post(
            "/privacy/requests",
            json={"person_id": els, "right": "access"},
            headers=bearer(els_token),
        )
        assert submitted.status_code == 201, submitted.text
        request_id = submitted.json()["request_id"]
        path = f"/privacy/requests/{request_id}"

        async def readable():
            response = await api.get(path, headers=bearer(els_token))
            return response if response.status_code == 200 else None

        followed = await eventually(readable)
        incomplete = await api.get(f"{path}/export", headers=bearer(els_token))
        others = [
            await api.get(path, headers=bearer(jan_token)),
            await api.get(f"{path}/export", headers=bearer(jan_token)),
            await api.get("/privacy/requests/no-such-request", headers=bearer(els_token)),
            await api.get("/privacy/requests/no-such-request/export", headers=bearer(els_token)),
        ]
        jan_lists = await api.get("/privacy/requests", headers=bearer(jan_token))

        await publish_part(kafka, "complaints", request_id, els)
        await publish_part(kafka, "identity", request_id, els)
        await publish_part(kafka, "payments", request_id, els)
        await publish_part(kafka, "einvoicing", request_id, els)

        async def complete():
            response = await api.get(f"{path}/export", headers=bearer(els_token))
            return response if response.status_code == 200 else None

        copy = await eventually(complete)
        assert copy is not None, "the copy never became complete"
        await settled(dossier)
        answered = await api.get(path, headers=bearer(els_token))
        staff_lists = await api.get("/privacy/requests", headers=bearer(staff_token))
        own_part_stored = await stored_part(dossier, request_id)

        await send(
            dossier, "ErasePerson", {"booklet_id": "b-1", "national_register_number": ELS}, STAFF
        )
        erased = await api.get(f"{path}/export", headers=bearer(staff_token))
        async with dossier.database.read() as conn:
            kept = (await conn.execute(select(personal_data_exports))).all()

    assert submitted.json()["due_on"] == followed.json()["due_on"]
    assert followed.json()["status"] == "open" and followed.json()["right"] == "access"
    assert incomplete.status_code == 409
    assert incomplete.json()["code"] == "copy_incomplete"
    # The dossier makes its own part at once; the other services are not running here.
    assert "identity, complaints, payments" in incomplete.json()["detail"]
    # Jan learns nothing of Els's request: answered as for one that does not exist.
    assert [(r.status_code, r.json()["code"]) for r in others] == [(404, "no_such_request")] * 4
    assert jan_lists.json() == []
    assert {k: v for k, v in copy.json().items() if k != "parts"} == {
        "request_id": request_id,
        "person_id": els,
        "requested_at": followed.json()["received_at"],
    }
    parts = copy.json()["parts"]
    assert {s: parts[s] for s in PARTS} == PARTS
    assert (parts["dossier"]["person_id"], parts["dossier"]["booklet_id"]) == (els, "b-1")
    # The dossier's own part was sealed in its store and opened when read back from its topic.
    assert set(own_part_stored) == {"$sealed"}
    assert (answered.json()["status"], answered.json()["outcome"]) == ("answered", "exported")
    assert [r["request_id"] for r in staff_lists.json()] == [request_id]
    # Erased, the person's copy goes with them.
    assert erased.status_code == 410 and kept == []


async def test_dos12_a_member_cannot_ask_for_a_person_they_may_not_act_on(dossier, signer):
    els, lotte = await members(dossier, signer)
    async with client(dossier) as api:

        async def ask(token: str, person_id: str, right: str = "erasure"):
            body = {"person_id": person_id, "right": right}
            return await api.post("/privacy/requests", json=body, headers=bearer(token))

        jan = signer.token("member", "jan")
        for_lotte = await ask(jan, lotte)
        for_nobody = await ask(jan, "person-nobody")
        by_els_for_lotte = await ask(signer.token("member", "els"), lotte)
        by_staff = await ask(signer.token("member_services"), els)
        review = await api.post(
            "/privacy/requests",
            json={"person_id": els, "right": "access", "decision": "entitlement"},
            headers=bearer(signer.token("member", "els")),
        )

    assert [(r.status_code, r.json()["detail"]) for r in (for_lotte, for_nobody)] == [
        (409, "you may not act on this person's file")
    ] * 2
    assert by_els_for_lotte.status_code == 201
    assert by_staff.status_code == 403
    assert review.status_code == 409
    assert review.json()["detail"] == "only a request for a human review names a decision"


async def test_dos12_consents_and_a_restriction_are_shown_on_the_persons_file(dossier, signer):
    els, lotte = await members(dossier, signer)
    els_token = signer.token("member", "els")
    async with client(dossier) as api:
        consent = f"/persons/{lotte}/consents/email_notifications"
        given = await api.put(consent, headers=bearer(els_token))
        twice = await api.put(consent, headers=bearer(els_token))
        jans = await api.put(
            f"/persons/{els}/consents/inbox", headers=bearer(signer.token("member", "jan"))
        )
        await send(dossier, "RestrictProcessing", {"person_id": lotte}, STAFF)

        async def lotte_shown(check):
            async def shown():
                response = await api.get("/persons", headers=bearer(els_token))
                [found] = [p for p in response.json() if p["person_id"] == lotte]
                return found if check(found) else None

            return await eventually(shown)

        restricted = await lotte_shown(lambda p: p["restricted"])
        withdrawn = await api.delete(consent, headers=bearer(els_token))
        after = await lotte_shown(lambda p: p["consents"] == [])

    assert given.status_code == 204
    assert twice.status_code == 409
    assert twice.json()["detail"] == "this person has consented to email_notifications already"
    assert jans.status_code == 404
    assert restricted["consents"] == ["email_notifications"]
    assert withdrawn.status_code == 204 and after["restricted"] is True
