"""Figure 4: command → read model latency through a running complaints service, against a raw
Kafka round trip (produce one message, a running AIOKafkaConsumer receives it).

Commands go one at a time, from the same producer the round trip uses (linger 0: a lone
message is sent at once), each after the same idle pause. The clock stops when the complaint's
row can be read: the bench polls the read model every millisecond on a connection of its own.
Both consumers use the project's settings (`KAFKA_FETCH_MAX_WAIT_MS`): the local broker answers
a waiting fetch only when that runs out, so it bounds each hop's latency here."""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import time
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.appends import sqlite_connection
from bench.infra import Backends, Sizes, plain_url, sqlite_path
from bench.report import Baseline, Figure
from bench.rows import BENCH_KEY
from mutualis.recipients import recipient_key
from mutualis.staff import Sender
from services.complaints.app import definition
from shared.clock import SystemClock
from shared.contracts.complaints import RegisterComplaint
from shared.messaging.broker import consumer_options
from shared.messaging.topics import commands_topic, ensure_topics
from shared.privacy.command_sealing import CommandKey, epoch_of, public_record
from shared.service import Runtime
from shared.settings import KafkaSettings, ServiceSettings
from tests.support.staff import Signer

POLL_S = 0.001
# Both consumers are idle, a fetch pending, when a message is sent: the local broker (tansu)
# answers a pending fetch only when its fetch_max_wait_ms runs out, not when data arrives, so a
# message sent right after the previous one was received (before the next fetch) would be
# faster than any sent to an idle consumer.
IDLE_S = 0.01
FIRST_TIMEOUT_S = 60.0  # the first message waits for the consumer group to form
TIMEOUT_S = 30.0


def command(n: int, sender: Sender, topic: str, key: CommandKey) -> bytes:
    payload = RegisterComplaint(
        complainant_name=f"Lid {n}",
        complainant_email=f"lid{n}@example.be",
        member_number=f"{n:011d}",
        channel="portal",
        subject="Terugbetaling kinesitherapie",
        description="De terugbetaling van mijn sessies kinesitherapie werd geweigerd.",
    )
    envelope = sender.envelope(
        topic, RegisterComplaint.type_name, payload.model_dump(mode="json"), SystemClock(), key
    )
    return envelope.model_dump_json().encode()


def _throwaway_public_key():
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.generate().public_key()


def _producer(kafka: KafkaSettings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers,
        client_id="bench-latency",
        acks="all",
        linger_ms=0,
        enable_idempotence=False,
    )


async def figures(backends: Backends, sizes: Sizes) -> list[Figure]:
    result = []
    raw = await raw_round_trip(backends.kafka, sizes)
    wait = backends.kafka.fetch_max_wait_ms
    for backend in ("sqlite", "postgresql"):
        ours = await command_to_read_model(backends, backend, sizes)
        result += _pair(
            "4",
            f"command → read model (fetch wait {wait} ms)",
            backend,
            ours,
            "raw Kafka round trip",
            raw,
        )
    return result


def _pair(section, what, backend, ours, raw_name, raw) -> list[Figure]:
    return [
        Figure(
            f"{section} {q}",
            f"{what}, {q}",
            backend,
            "ms",
            ours[i],
            [Baseline(f"{raw_name} {q}", raw[i])],
        )
        for i, q in enumerate(("p50", "p99"))
    ]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles([s * 1000 for s in samples], n=100, method="inclusive")
    return cuts[49], cuts[98]


async def _wait_for(check: Callable[[], Awaitable[bool]], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not await check():
        if time.perf_counter() > deadline:
            raise TimeoutError("the complaint did not reach the read model")
        await asyncio.sleep(POLL_S)


async def command_to_read_model(
    backends: Backends, backend: str, sizes: Sizes
) -> tuple[float, float]:
    # A namespace per run: a service of its own, with topics and a consumer group of its own.
    tag = backend
    kafka = backends.kafka.model_copy(update={"namespace": f"{backends.kafka.namespace}{tag}."})
    async with backends.database_url(backend) as url:
        settings = ServiceSettings(
            name=definition.name, database_url=url, kafka=kafka, port=0, poll_interval_s=0.005
        )
        # The service reads its KEK from settings, as it does when deployed: the bench's own.
        os.environ.pop("MUTUALIS_KEK_FILE", None)
        os.environ["MUTUALIS_KEK"] = base64.b64encode(BENCH_KEY).decode()
        runtime = Runtime(definition, settings)
        # Commands carry a token the service verifies, as every real one does.
        signer = Signer(kafka)
        await signer.announce()
        await runtime.start(background=True)
        await signer.known_by(runtime)
        sender = signer.sender("complaints_handler")
        # Sealed for the service, as every real command is (read once: it holds for the run).
        key = await recipient_key(kafka, definition.name, SystemClock(), FIRST_TIMEOUT_S)
        producer = _producer(kafka)
        await producer.start()
        count_rows, close_counter = await _row_counter(backend, url)
        topic = commands_topic(kafka, definition.name)
        try:

            async def one(n: int, timeout: float = TIMEOUT_S) -> float:
                body = command(n, sender, topic, key)
                await asyncio.sleep(IDLE_S)
                started = time.perf_counter()
                await producer.send(topic, body, key=str(n).encode())
                await _wait_for(lambda: _has(count_rows, n + 1), timeout)  # noqa: B023
                return time.perf_counter() - started

            await one(0, FIRST_TIMEOUT_S)  # warm-up, and the consumer group forms
            for n in range(1, 5):
                await one(n)
            samples = [await one(n) for n in range(5, 5 + sizes.latency)]
        finally:
            await close_counter()
            await producer.stop()
            await runtime.stop()
    return _percentiles(samples)


async def _has(count_rows, expected: int) -> bool:
    return await count_rows() >= expected


async def _row_counter(backend: str, url: str):
    """(count, close): an async callable counting read-model rows, cheap enough to poll."""
    query = "SELECT count(*) FROM complaints"
    if backend == "sqlite":
        conn = sqlite_connection(sqlite_path(url))

        async def count() -> int:  # a local file read: faster than a thread hop
            return conn.execute(query).fetchone()[0]

        async def close() -> None:
            conn.close()
    else:
        pg = await asyncpg.connect(plain_url(url))

        async def count() -> int:
            return await pg.fetchval(query)

        async def close() -> None:
            await pg.close()

    return count, close


async def raw_round_trip(kafka: KafkaSettings, sizes: Sizes) -> tuple[float, float]:
    topic = kafka.topic("bench-roundtrip")
    await ensure_topics(kafka, [topic])
    producer = _producer(kafka)
    options = consumer_options(kafka)  # what the service's consumers get
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap_servers, group_id=topic, **options
    )
    await producer.start()
    await consumer.start()
    received: asyncio.Queue[float] = asyncio.Queue()

    async def consume() -> None:  # a running consumer, as faststream's subscriber loop is
        while True:
            await consumer.getone()
            received.put_nowait(time.perf_counter())

    consuming = asyncio.create_task(consume())
    sender = Signer(kafka).sender("complaints_handler")  # the same bytes the service gets
    # Sealed like the service's commands (for a key nobody opens here): the same size.
    key = public_record("complaints", epoch_of(SystemClock().now()), _throwaway_public_key())
    try:

        async def one(n: int, timeout: float = TIMEOUT_S) -> float:
            body = command(n, sender, topic, key)
            await asyncio.sleep(IDLE_S)
            started = time.perf_counter()
            await producer.send(topic, body, key=str(n).encode())
            return await asyncio.wait_for(received.get(), timeout) - started

        await one(0, FIRST_TIMEOUT_S)
        for n in range(1, 5):
            await one(n)
        samples = [await one(n) for n in range(5, 5 + sizes.latency)]
    finally:
        consuming.cancel()
        await asyncio.gather(consuming, return_exceptions=True)
        await consumer.stop()
        await producer.stop()
    return _percentiles(samples)
