"""The dossier's facts for a service under test: its events published on the dossier's topic
exactly as its relay publishes them, cheaper than running the dossier service."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer

# A valid national register number for a birth date and serial, as the demo data makes them.
from sqlalchemy import select

from mutualis.demo import national_register_number as insz  # noqa: F401
from services.dossier.read_model import booklet_persons
from shared.contracts import Event, EventEnvelope
from shared.contracts.dossier import (
    ContactDetailsChanged,
    DependantAdded,
    MemberEnrolled,
    Person,
    legacy_person_id,
)
from shared.contracts.privacy import PersonalDataRequested
from shared.eventstore import PendingEvent, unit_of_work
from shared.messaging.broker import event_headers
from shared.messaging.topics import ensure_topics, events_topic
from shared.service import Runtime
from shared.settings import KafkaSettings
from tests.support.trust import signed_headers


def person(national_register_number: str, **overrides) -> Person:
    values = {
        "national_register_number": national_register_number,
        "first_name": "Els",
        "last_name": "Peeters",
        "birth_date": date(1985, 7, 30),
        "language": "nl",
        "nationality": "BE",
        "regional_fund": "bondmoyson-oost-vlaanderen",
        "address": {
            "street": "Veldstraat",
            "house_number": "12",
            "postal_code": "9000",
            "municipality": "Gent",
            "country": "BE",
        },
        "entitlement": {"cg1": "110", "cg2": "110", "increased_reimbursement": False},
    }
    return Person.model_validate({**values, **overrides})


def person_id(national_register_number: str) -> str:
    """The person id the facts below give a national register number: the same each time."""
    return legacy_person_id(national_register_number)


async def person_id_in(dossier_service: Runtime, national_register_number: str) -> str | None:
    """The person id a running dossier gave the person (the routes and identity's events name
    persons by it), once its projection caught up."""
    await dossier_service.projector.run_until_caught_up()
    async with dossier_service.database.read() as conn:
        return await conn.scalar(
            select(booklet_persons.c.person_id).where(
                booklet_persons.c.national_register_number == national_register_number
            )
        )


def member_enrolled(national_register_number: str, booklet_id: str | None = None):
    booklet_id = booklet_id or f"booklet-{uuid.uuid4().hex[:8]}"
    return MemberEnrolled(
        booklet_id=booklet_id,
        person_id=person_id(national_register_number),
        holder=person(national_register_number),
    )


def dependant_added(booklet_id: str, national_register_number: str, **overrides):
    return DependantAdded(
        booklet_id=booklet_id,
        person_id=person_id(national_register_number),
        dependant=person(national_register_number, **overrides),
    )


def contact_details_changed(booklet_id: str, national_register_number: str, **contact):
    return ContactDetailsChanged(
        booklet_id=booklet_id, person_id=person_id(national_register_number), **contact
    )


def envelope(event: Event, booklet_id: str, stream_version: int = 1) -> EventEnvelope:
    return EventEnvelope(
        event_id=str(uuid.uuid4()),
        type=event.type_name,
        version=event.version,
        occurred_at=datetime.now(UTC),
        stream_id=f"booklet-{booklet_id}",
        stream_version=stream_version,
        correlation_id=str(uuid.uuid4()),
        producer="dossier",
        payload=event.model_dump(mode="json"),
    )


async def publish(kafka: KafkaSettings, *envelopes: EventEnvelope) -> None:
    """Publishes on `<namespace>dossier.events`, keyed by stream like the relay does."""
    topic = events_topic(kafka, "dossier")
    await ensure_topics(kafka, [topic])
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for sent in envelopes:
            value = sent.model_dump_json().encode()
            await producer.send_and_wait(
                topic,
                value,
                key=sent.stream_id.encode(),
                headers=signed_headers("dossier", value, event_headers(sent)),
            )
    finally:
        await producer.stop()


async def record_copy_request(dossier_service: Runtime, request_id: str, person_id: str) -> None:
    """A person's access request (DOS-12), recorded as the dossier's privacy API would: every
    exporting service answers it with its part."""
    requested = PersonalDataRequested(request_id=request_id, person_id=person_id)
    async with unit_of_work(dossier_service.store, dossier_service.clock) as uow:
        await uow.append(
            f"privacy-request-{request_id}",
            None,
            [PendingEvent(requested, str(uuid.uuid4()))],
            correlation_id=str(uuid.uuid4()),
        )
        await uow.commit()
