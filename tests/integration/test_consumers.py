"""Idempotent consuming, dead letters, rebalancing and crashes, through the real broker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from datetime import datetime, timezone

from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from services.complaints.app import definition as complaints_service
from services.complaints.read_model import complaints
from services.monitoring.app import definition as monitoring_service
from services.monitoring.read_model import event_counts
from shared.contracts import EventEnvelope
from shared.eventstore.schema import processed_messages
from shared.messaging.topics import ensure_topics
from tests.support.events import complaint_registered
from tests.support.kafka import committed, read_topic
from tests.support.services import running
from tests.support.trust import signed_headers
from tests.support.waiting import counted_up_to, eventually


def envelope(n: int) -> EventEnvelope:
    event = complaint_registered(n)
    return EventEnvelope(
        event_id=str(uuid.uuid4()),
        type=event.type_name,
        version=event.version,
        occurred_at=datetime.now(timezone.utc),
        stream_id=f"complaint-{event.complaint_id}",
        stream_version=1,
        correlation_id=str(uuid.uuid4()),
        producer="complaints",
        payload=event.model_dump(mode="json"),
    )


async def produce(kafka, topic: str, values: list[bytes], producer_name="complaints") -> None:
    """Publishes `values` signed by `producer_name`, as its relay would."""
    await ensure_topics(kafka, [topic, f"{topic}.dlq"])
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, linger_ms=5)
    await producer.start()
    try:
        sends = [
            await producer.send(
                topic, v, key=str(i % 7).encode(), headers=signed_headers(producer_name, v, {})
            )
            for i, v in enumerate(values)
        ]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def counted(runtime) -> int:
    async with runtime.database.read() as conn:
        return await conn.scalar(select(func.coalesce(func.sum(event_counts.c.count), 0)))


async def test_a_malformed_event_goes_to_the_dead_letter_topic_and_later_events_apply(
    database_url, kafka
):
    topic = kafka.topic("complaints.events")
    valid = [envelope(n).model_dump_json().encode() for n in range(3)]
    await produce(kafka, topic, [b"{not json", *valid])

    async with running(monitoring_service, database_url, kafka) as monitoring:
        assert await eventually(lambda: _equals(counted(monitoring), 3))

    dead = await read_topic(kafka.bootstrap_servers, f"{topic}.dlq", at_least=1)
    originals = await read_topic(kafka.bootstrap_servers, topic, at_least=4)
    headers = {k: v.decode() for k, v in dead[0].headers}
    assert "not an event envelope" in headers["dlq-reason"]
    # Issue 10 item 6: where the message is, not what it says (it may be personal data).
    assert [r.value for r in dead] == [b""]
    at = (headers["dlq-topic"], int(headers["dlq-partition"]), int(headers["dlq-offset"]))
    [original] = [r for r in originals if (r.topic, r.partition, r.offset) == at]
    assert original.value == b"{not json"


async def test_a_batch_applies_an_event_published_twice_once_and_dead_letters_the_bad_one_alone(
    database_url, kafka
):
    """Records are taken in batches, their events applied in one transaction: the same event
    twice in a batch (a relay that published it again) counts once, and a record that cannot
    be handled goes to the dead letters without holding back the others."""
    topic = kafka.topic("complaints.events")
    first, second = envelope(1).model_dump_json().encode(), envelope(2).model_dump_json().encode()
    await produce(kafka, topic, [first, b"{not json", first, second, first])

    async with running(monitoring_service, database_url, kafka) as monitoring:
        assert await eventually(lambda: _equals(counted(monitoring), 2))
        dead = await read_topic(kafka.bootstrap_servers, f"{topic}.dlq", at_least=1)
        async with monitoring.database.read() as conn:
            processed = await conn.scalar(select(func.count()).select_from(processed_messages))

    assert processed == 2
    assert len(dead) == 1


# Enough events that the second instance joins while the first is still reading.
MID_STREAM = 1500


async def test_a_consumer_joining_mid_stream_applies_every_event_once(database_url, kafka):
    topic = kafka.topic("complaints.events")
    events = [envelope(n) for n in range(MID_STREAM)]
    await produce(kafka, topic, [e.model_dump_json().encode() for e in events])

    async with running(monitoring_service, database_url, kafka) as first:
        await eventually(lambda: _at_least(counted(first), MID_STREAM // 10))
        # A second instance joins the group: partitions move, uncommitted messages come again.
        async with running(monitoring_service, database_url, kafka) as second:
            # The group rebalances while both instances read: slowly on a busy machine.
            assert await counted_up_to(lambda: counted(second), MID_STREAM) == MID_STREAM
            # Redelivered duplicates arriving late still change nothing.
            await produce(kafka, topic, [e.model_dump_json().encode() for e in events[:100]])
            group = kafka.topic("monitoring")
            target = MID_STREAM + 100
            assert await counted_up_to(lambda: committed(kafka, group, topic), target) >= target
            assert await counted(second) == MID_STREAM
            async with second.database.read() as conn:
                processed = await conn.scalar(select(func.count()).select_from(processed_messages))
            assert processed == MID_STREAM


def crash(mode: str, database_url: str, kafka) -> int:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_NAMESPACE": kafka.namespace,
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.crash", mode, database_url], env=env, timeout=120
    )
    return result.returncode


async def test_killed_after_commit_before_publish_the_event_is_published_after_restart(
    database_url, kafka
):
    assert crash("after-commit", database_url, kafka) == -signal.SIGKILL
    topic = kafka.topic("complaints.events")
    assert await read_topic(kafka.bootstrap_servers, topic, at_least=1, timeout=2) == []

    async with running(complaints_service, database_url, kafka) as service:
        records = await read_topic(kafka.bootstrap_servers, topic, at_least=1)
        assert await eventually(lambda: _equals(_complaint_rows(service), 1))

    assert [dict(r.headers)["event-type"] for r in records] == [b"ComplaintRegistered"]


async def test_killed_after_kafka_acknowledged_the_duplicate_is_dropped_by_event_id(
    database_url, kafka, tmp_path
):
    assert crash("after-publish", database_url, kafka) == -signal.SIGKILL
    topic = kafka.topic("complaints.events")

    async with running(complaints_service, database_url, kafka):
        records = await read_topic(kafka.bootstrap_servers, topic, at_least=2)
    assert len(records) == 2 and len({dict(r.headers)["event-id"] for r in records}) == 1

    monitoring_db = f"sqlite+aiosqlite:///{tmp_path / 'monitoring.sqlite'}"
    async with running(monitoring_service, monitoring_db, kafka) as monitoring:
        assert await eventually(lambda: _equals(counted(monitoring), 1))
        group = kafka.topic("monitoring")
        assert await eventually(lambda: _at_least(committed(kafka, group, topic), 2))
        assert await counted(monitoring) == 1


async def _complaint_rows(runtime) -> int:
    async with runtime.database.read() as conn:
        return await conn.scalar(select(func.count()).select_from(complaints))


async def _equals(value, expected) -> bool:
    return (await value) == expected


async def _at_least(value, expected) -> bool:
    return (await value) >= expected
