"""Commands over Kafka: handled once, outcome correlated back; CMP-2 unique file numbers."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime, timezone
from functools import partial

from aiokafka import AIOKafkaProducer
from sqlalchemy import select

from mutualis.staff import send_command
from services.complaints.app import definition as complaints_service
from shared.eventstore.schema import command_log
from shared.messaging.topics import commands_topic, ensure_topics, events_topic, outcomes_topic
from tests.support.kafka import read_topic
from tests.support.services import running
from tests.support.staff import HANDLER, Signer

PAYLOAD = {"complainant_name": "An", "subject": "Late refund", "description": "…"}


async def test_cmp2_concurrent_registrations_get_unique_consecutive_file_numbers(
    database_url, kafka, signer
):
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        outcomes = await asyncio.gather(
            *(
                signer.send("complaints", "RegisterComplaint", PAYLOAD, "complaints_handler", 60)
                for _ in range(10)
            )
        )

    assert {o.status for o in outcomes} == {"accepted"}
    numbers = sorted(
        e.payload["file_number"]
        for o in outcomes
        for e in o.events
        if e.type == "ComplaintRegistered"
    )
    year = datetime.now(timezone.utc).year
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 11)]


async def test_a_redelivered_command_changes_nothing(database_url, kafka):
    from shared.contracts import CommandEnvelope

    command = CommandEnvelope(
        type="RegisterComplaint",
        payload=PAYLOAD,
        issued_at=datetime.now(timezone.utc),
    )
    async with running(complaints_service, database_url, kafka, background=False) as service:
        first = await service.bus.execute(command, HANDLER)
        again = await service.bus.execute(command, HANDLER)

        assert first.status == "accepted" and again is None
        async with service.database.read() as conn:
            assert len(await service.store.read_all(conn, settled=False)) == 2


async def test_an_unknown_command_is_rejected_with_a_reason(database_url, kafka, signer):
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        outcome = await signer.send("complaints", "ShredEverything", {})

    assert outcome.status == "rejected"
    assert outcome.reason == "this service does not handle 'ShredEverything'"


async def test_id9_events_and_the_command_log_record_who_did_it_and_how(
    database_url, kafka, signer
):
    token = signer.sender("complaints_handler", account_id="handler-7")
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        outcome = await send_command(kafka, "complaints", "RegisterComplaint", PAYLOAD, token, 30)

        async with service.database.read() as conn:
            [logged] = (await conn.execute(select(command_log))).all()
            stored = await service.store.read_all(conn, settled=False)

    actor = {"account_id": "handler-7", "role": "complaints_handler", "authenticated_by": "pwd"}
    assert outcome.status == "accepted"
    assert [e.actor.model_dump() for e in outcome.events] == [actor, actor]
    assert [r.envelope.actor.model_dump() for r in stored] == [actor, actor]
    assert (logged.command_id, logged.actor, logged.status) == (
        outcome.command_id,
        actor,
        "accepted",
    )


async def test_a_command_without_a_valid_token_is_rejected_and_changes_nothing(
    database_url, kafka, signer
):
    strangers_key = Signer(kafka)  # never announced: no service trusts it
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        send = partial(send_command, kafka, "complaints", "RegisterComplaint", PAYLOAD, timeout=30)
        without = await send(None)
        forged = await send(strangers_key.sender("admin"))

        async with service.database.read() as conn:
            assert await service.store.read_all(conn) == []

    assert without.reason == "not authenticated: the command carries no access token"
    assert forged.reason.startswith("not authenticated: unknown signing key")


async def test_a_role_the_command_does_not_allow_is_rejected(database_url, kafka, signer):
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        outcome = await signer.send("complaints", "RegisterComplaint", PAYLOAD, role="mediator")

    assert outcome.status == "rejected"
    assert outcome.reason == "a mediator may not send RegisterComplaint"


async def test_issue8_13_records_carry_one_correlation_header_and_a_real_content_type(
    database_url, kafka, signer
):
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        outcome = await signer.send(
            "complaints", "RegisterComplaint", PAYLOAD, "complaints_handler"
        )
        replies = await read_topic(kafka.bootstrap_servers, outcomes_topic(kafka, "complaints"), 1)
        published = await read_topic(
            kafka.bootstrap_servers, events_topic(kafka, "complaints"), len(outcome.events)
        )

    [reply] = [r for r in replies if r.key == outcome.command_id.encode()]
    for record in [reply, *published]:
        names = [name for name, _ in record.headers]
        headers = dict(record.headers)
        assert names.count("correlation_id") == 1 and "correlation-id" not in names, names
        assert headers["correlation_id"] == outcome.correlation_id.encode()
        assert headers["content-type"] == b"application/json"


async def test_issue8_10_outcomes_go_to_the_services_own_topic_whatever_reply_to_says(
    database_url, kafka
):
    """An unauthenticated command naming another service's events topic as its reply topic
    (the probe's) is answered on complaints.outcomes, and nothing reaches dossier.events."""
    foreign = events_topic(kafka, "dossier")
    await ensure_topics(kafka, [foreign])
    command = {
        "command_id": str(uuid.uuid4()),
        "type": "RegisterComplaint",
        "payload": PAYLOAD,
        "issued_at": datetime.now(timezone.utc).isoformat(),
        "reply_to": foreign,
    }
    async with running(complaints_service, database_url, kafka):
        producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(
                commands_topic(kafka, "complaints"),
                json.dumps(command).encode(),
                key=command["command_id"].encode(),
            )
        finally:
            await producer.stop()
        replies = await read_topic(kafka.bootstrap_servers, outcomes_topic(kafka, "complaints"), 1)

    assert [json.loads(r.value)["status"] for r in replies] == ["rejected"]
    assert await read_topic(kafka.bootstrap_servers, foreign, at_least=1, timeout=2) == []
