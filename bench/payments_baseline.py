"""The payments bench's baseline: raw aiokafka producing and consuming as many messages as the
file has certificates, each the size of one certificate's share of a sealed import command,
with the producer settings of shared.messaging.broker.make_broker and the consumer options
the services use. The clock runs from the first send to the last message received."""

from __future__ import annotations

import asyncio
import os
import time

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from bench.infra import services_producer
from mutualis.importing import parse, read_lines
from mutualis.staff import Sender
from shared.clock import Clock
from shared.contracts.payments import ImportCareCertificates
from shared.messaging.broker import consumer_options
from shared.messaging.security import client_options
from shared.messaging.topics import commands_topic, ensure_topics
from shared.privacy.command_sealing import epoch_of, public_record
from shared.settings import KafkaSettings

GATHER_EVERY = 5000  # sends awaited together: the producer's memory stays bounded


def certificate_share(path, sender: Sender, clock: Clock, kafka: KafkaSettings, batch: int) -> int:
    """Bytes per certificate of an import command as `import_file` sends it (the first batch of
    the file, sealed for a key nobody opens: the same size)."""
    certificates = []
    for line, fields in read_lines(path):
        certificate = parse(fields)
        if not isinstance(certificate, str):
            certificates.append({"line": line, "certificate": certificate.model_dump(mode="json")})
        if len(certificates) == batch:
            break
    command = ImportCareCertificates(batch_id="bench-size", certificates=certificates)
    key = public_record("payments", epoch_of(clock.now()), X25519PrivateKey.generate().public_key())
    envelope = sender.envelope(
        commands_topic(kafka, "payments"),
        command.type_name,
        command.model_dump(mode="json"),
        clock,
        key,
    )
    return len(envelope.model_dump_json().encode()) // len(certificates)


async def produce_and_consume(kafka: KafkaSettings, count: int, size: int) -> float:
    """Messages per second, `count` messages of `size` bytes through the broker."""
    topic = kafka.topic("bench-payments-raw")
    await ensure_topics(kafka, [topic])
    producer = services_producer(kafka.bootstrap_servers, "bench-raw")
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap_servers, group_id=topic, **consumer_options(kafka)
    )
    value = os.urandom(size // 2).hex().encode()[:size]
    await producer.start()
    await consumer.start()
    try:
        await producer.send_and_wait(topic, b"warm-up", key=b"warm-up")
        await _receive(consumer, 1)  # the group has formed
        started = time.perf_counter()
        receiving = asyncio.create_task(_receive(consumer, count))
        sends = []
        for n in range(count):
            sends.append(await producer.send(topic, value, key=str(n).encode()))
            if len(sends) == GATHER_EVERY:
                await asyncio.gather(*sends)
                sends = []
        await asyncio.gather(*sends)
        await receiving
        return count / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await producer.stop()
        await delete_topics(kafka, [topic])


async def _receive(consumer: AIOKafkaConsumer, count: int) -> None:
    received = 0
    while received < count:
        batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
        received += sum(len(records) for records in batches.values())


async def delete_topics(kafka: KafkaSettings, topics: list[str]) -> None:
    """Drops topics the bench is done with: the local broker keeps everything in memory."""
    admin = AIOKafkaAdminClient(**client_options(kafka))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        gone = [t for t in topics if t in existing]
        if gone:
            await admin.delete_topics(gone)
    finally:
        await admin.close()


async def namespace_topics(kafka: KafkaSettings) -> list[str]:
    admin = AIOKafkaAdminClient(**client_options(kafka))
    await admin.start()
    try:
        return [t for t in await admin.list_topics() if t.startswith(kafka.namespace)]
    finally:
        await admin.close()


async def topic_volume(kafka: KafkaSettings, topic: str, quiet: float = 3.0) -> tuple[int, int]:
    """(records, bytes of their values) on `topic`, read from the beginning until nothing more
    came for `quiet` seconds (end offsets are not to be trusted on the local broker)."""
    consumer = AIOKafkaConsumer(
        topic, **client_options(kafka), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records = size = 0
    try:
        last = time.monotonic()
        while time.monotonic() - last < quiet:
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for messages in batches.values():
                records += len(messages)
                size += sum(len(m.value or b"") for m in messages)
                last = time.monotonic()
    finally:
        await consumer.stop()
    return records, size
