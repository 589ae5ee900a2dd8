"""Transactional publishing: every committed event reaches Kafka, none is skipped, even when
transactions commit out of order on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from services.complaints.app import definition as complaints_service
from services.complaints.read_model import ComplaintsProjection, complaints
from shared.clock import SystemClock
from shared.eventstore import EventStore, connect, unit_of_work
from shared.eventstore.lag import lag
from shared.eventstore.schema import outbox
from shared.keys import KekSettings
from shared.messaging.broker import make_broker
from shared.messaging.relay import Relay
from shared.messaging.topics import ensure_topics
from shared.projections import Projector
from tests.support.events import complaint_registered, pending, random_stream
from tests.support.kafka import everything_on, read_topic
from tests.support.trust import credential
from tests.support.waiting import eventually


@pytest.fixture
async def relay_setup(database, kafka):
    topic = kafka.topic("complaints.events")
    await ensure_topics(kafka, [topic])
    broker = make_broker(kafka, "test-relay")
    await broker.start()
    store = EventStore(database, producer="complaints", kek=KekSettings().key_encryption_key())
    yield store, Relay(store, broker, topic, credential("complaints")), topic
    await broker.stop()


async def drained(step, expected: int) -> bool:
    """Runs `step` until it has handled `expected` items in all."""
    total = 0

    async def enough() -> bool:
        nonlocal total
        total += await step()
        return total >= expected

    return await eventually(enough) and total == expected


async def append_one(store, n=1):
    async with unit_of_work(store, SystemClock()) as uow:
        await uow.append(random_stream(), 0, [pending(complaint_registered(n))], correlation_id="c")
        await uow.commit()


async def test_on_postgres_relay_and_projection_wait_for_an_uncommitted_append(postgres_url, kafka):
    database = connect(postgres_url)
    await database.migrate(*complaints_service.migrations)
    store = EventStore(database, producer="complaints", kek=KekSettings().key_encryption_key())
    topic = kafka.topic("complaints.events")
    await ensure_topics(kafka, [topic])
    broker = make_broker(kafka, "test-relay")
    await broker.start()
    relay, projector = (
        Relay(store, broker, topic, credential("complaints")),
        Projector(store, [ComplaintsProjection()]),
    )
    try:
        # An append is held open (it took position 1) while two later appends commit.
        async with unit_of_work(store, SystemClock()) as held:
            event = pending(complaint_registered(1))
            await held.append(random_stream(), 0, [event], correlation_id="held")
            await append_one(store, 2)
            await append_one(store, 3)

            assert await relay.publish_pending() == 0
            assert await projector.catch_up() == 0

            await held.commit()

        # The horizon is cluster-wide: a transaction elsewhere on the server may hold it a
        # moment longer, so wait for the condition.
        assert await drained(relay.publish_pending, 3)
        assert await drained(projector.catch_up, 3)
        records = await read_topic(kafka.bootstrap_servers, topic, at_least=3)
        assert [dict(r.headers)["event-type"] for r in records] == [b"ComplaintRegistered"] * 3
        assert len({dict(r.headers)["event-id"] for r in records}) == 3
        async with database.read() as conn:
            assert await conn.scalar(select(func.count()).select_from(complaints)) == 3
    finally:
        await broker.stop()
        await database.dispose()


async def test_twenty_concurrent_writers_every_event_relayed(relay_setup, kafka):
    store, relay, topic = relay_setup
    stop = asyncio.Event()
    relaying = asyncio.create_task(relay.run(stop, idle_wait=0.01))

    async def writer(w: int) -> None:
        for n in range(500):
            await append_one(store, w * 1000 + n)

    await asyncio.gather(*(writer(w) for w in range(20)))
    async with store.database.read() as conn:
        stored = {
            r.envelope.event_id for r in await store.read_all(conn, limit=20_000, settled=False)
        }
    records = await read_topic(kafka.bootstrap_servers, topic, at_least=10_000, timeout=60)
    stop.set()
    await relaying

    assert len(stored) == 10_000
    assert {dict(r.headers)["event-id"].decode() for r in records} == stored


async def test_issue11_10_two_replicas_relay_each_event_and_message_once(postgres_url, kafka):
    # Replicas of a service share its store: one relays a round while the other waits its turn.
    database = connect(postgres_url)
    await database.migrate(*complaints_service.migrations)
    store = EventStore(database, producer="complaints", kek=KekSettings().key_encryption_key())
    events_topic, replies = kafka.topic("complaints.events"), kafka.topic("complaints.outcomes")
    await ensure_topics(kafka, [events_topic, replies])
    brokers = [make_broker(kafka, f"test-relay-{n}") for n in (1, 2)]
    for broker in brokers:
        await broker.start()
    relays = [
        Relay(store, broker, events_topic, credential("complaints"), batch_size=10)
        for broker in brokers
    ]
    stop = asyncio.Event()
    try:
        for n in range(100):
            async with unit_of_work(store, SystemClock()) as uow:
                event = pending(complaint_registered(n))
                await uow.append(random_stream(), 0, [event], correlation_id=f"c{n}")
                await uow.enqueue(replies, f"c{n}", b"{}", {"command-id": f"c{n}"})
                await uow.commit()
        relaying = [asyncio.create_task(r.run(stop, idle_wait=0.01)) for r in relays]

        async def all_out() -> bool:
            async with database.read() as conn:
                left = await conn.scalar(select(func.count()).select_from(outbox))
                return left == 0 and await lag(conn, relays[0].checkpoint) == 0

        assert await eventually(all_out)
        stop.set()
        await asyncio.gather(*relaying)
        published = await everything_on(kafka.bootstrap_servers, events_topic)
        answered = await everything_on(kafka.bootstrap_servers, replies)
    finally:
        stop.set()
        for broker in brokers:
            await broker.stop()
        await database.dispose()

    event_ids = [dict(r.headers)["event-id"] for r in published]
    assert len(event_ids) == len(set(event_ids)) == 100
    assert sorted(dict(r.headers)["command-id"] for r in answered) == sorted(
        f"c{n}".encode() for n in range(100)
    )
