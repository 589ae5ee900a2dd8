"""Figure 2: events/s our Relay publishes from a pre-filled store, against a raw aiokafka
producer sending the same messages (same value bytes, keys and headers), send() then gather."""

from __future__ import annotations

import asyncio
import time

from bench.appends import analyze
from bench.infra import Backends, Sizes, services_producer
from bench.report import Baseline, Figure
from bench.rows import BENCH_KEK, PRODUCER, fill, transactions
from shared.eventstore import EventStore, connect
from shared.eventstore.store import START
from shared.messaging.broker import event_headers, make_broker
from shared.messaging.relay import Relay
from shared.messaging.topics import ensure_topics
from tests.support.trust import credential


async def figures(backends: Backends, backend: str, sizes: Sizes) -> list[Figure]:
    kafka = backends.kafka
    ours_topic, raw_topic = (
        kafka.topic(f"bench-{backend}-{who}.events") for who in ("relay", "raw")
    )
    await ensure_topics(kafka, [ours_topic, raw_topic])
    warmup = [r for txn in transactions("warm", 500, 1) for r in txn]
    rows = [r for txn in transactions("relay", sizes.relay, 1) for r in txn]

    async with backends.database_url(backend) as url:
        database = connect(url)
        await database.migrate()
        store = EventStore(database, producer=PRODUCER, kek=BENCH_KEK)
        broker = make_broker(kafka, client_id="bench-relay")
        await broker.start()
        try:
            relay = Relay(store, broker, ours_topic, credential("complaints"))
            await fill(store, warmup)
            while await relay.publish_pending():  # warm-up
                pass
            await fill(store, rows)
            await analyze(url)  # as autovacuum would have, in a running system
            started = time.perf_counter()
            published = 0
            while batch := await relay.publish_pending():
                published += batch
            ours = published / (time.perf_counter() - started)
            assert published == len(rows), (published, len(rows))
            async with database.read() as conn:
                recorded = await store.read_all(conn, START, limit=len(warmup) + len(rows))
        finally:
            await broker.stop()
            await database.dispose()

    messages = [_message(r.envelope) for r in recorded]
    raw = await raw_producer(
        kafka.bootstrap_servers, raw_topic, messages[: len(warmup)], messages[len(warmup) :]
    )
    return [
        Figure(
            "2",
            f"relay publish, {len(rows):,} events",
            backend,
            "events/s",
            ours,
            [Baseline("raw aiokafka send+gather", raw)],
        ),
    ]


def _message(envelope) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """What the relay puts on the wire for an event (faststream adds the first two headers)."""
    headers = {"content-type": "", "correlation_id": envelope.correlation_id}
    headers |= event_headers(envelope)
    return (
        envelope.model_dump_json().encode(),
        envelope.stream_id.encode(),
        [(k, v.encode()) for k, v in headers.items()],
    )


async def raw_producer(bootstrap: str, topic: str, warmup: list, messages: list) -> float:
    producer = services_producer(bootstrap, "bench-raw")
    await producer.start()
    try:

        async def send_all(batch: list) -> None:
            sends = [await producer.send(topic, v, key=k, headers=h) for v, k, h in batch]
            await asyncio.gather(*sends)

        await send_all(warmup)
        started = time.perf_counter()
        await send_all(messages)
        return len(messages) / (time.perf_counter() - started)
    finally:
        await producer.stop()
