"""The key a command is sealed for (shared.privacy.command_sealing): read from the service's
`<service>.command-keys` topic, from its beginning (a record a day), each record believed only
when the trust root certifies that the service signed it, as consumers believe events
(shared.trust). No synchronous call to the service: it need not be up when the key is read."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from shared.clock import Clock
from shared.messaging.security import client_options
from shared.messaging.topics import command_keys_topic
from shared.privacy.command_sealing import CommandKey, key_for
from shared.settings import KafkaSettings, ServiceSettings
from shared.trust import TrustRoot, Untrusted, load_root

# How long to read a keys topic to its end at most: it holds a record a day.
READ_FOR_S = 10.0
RETRY_EVERY_S = 0.5


def trust_root() -> TrustRoot:
    """The trust root of this machine's settings (MUTUALIS_TRUST_DIR, else data/trust): only
    its public key is read."""
    return load_root(ServiceSettings(name="staff").trust_folder)


async def recipient_key(
    kafka: KafkaSettings,
    service: str,
    clock: Clock,
    timeout: float,
    root: TrustRoot | None = None,
) -> CommandKey:
    """`service`'s key to seal a command with now; waits for one while the service has
    published none valid (not started yet, or its daily keys still to come). Raises
    LookupError after `timeout`."""
    root = root or trust_root()
    deadline = time.monotonic() + timeout
    while True:
        try:
            records, ignored = await published_keys(kafka, service, root)
        except KafkaError:  # a broker restarting, say: as if nothing was published yet
            records, ignored = [], 0
        key = key_for(records, clock.now())
        if key is not None:
            return key
        if time.monotonic() + RETRY_EVERY_S > deadline:
            untrusted = f" ({ignored} records not signed by {service} ignored)" if ignored else ""
            raise LookupError(
                f"{service} has published no command key valid now{untrusted}: "
                f"is the {service} service running?"
            )
        await asyncio.sleep(RETRY_EVERY_S)


async def published_keys(
    kafka: KafkaSettings, service: str, root: TrustRoot
) -> tuple[list[CommandKey], int]:
    """The records of `service`'s command keys topic that `service` signed, in their order,
    and how many others were ignored."""
    topic = command_keys_topic(kafka, service)
    consumer = AIOKafkaConsumer(**client_options(kafka), enable_auto_commit=False)
    await consumer.start()
    # A consumer stopped before the loop's next turn raises CancelledError from stop()
    # (aiokafka's coordinator task, cancelled before it ran): give it that turn.
    await asyncio.sleep(0)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return [], 0
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        records = await _to_the_end(consumer, partitions)
    finally:
        await consumer.stop()
    believed = [key for key in (_believed(r, service, root) for r in records) if key]
    return believed, len(records) - len(believed)


async def _to_the_end(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> list:
    """Every record up to the end offsets. The local broker may report an end offset too low
    (the last batch's first offset + 1), never too high, and a fetch returns whole batches: so
    what was published before the read is all read."""
    ends = await consumer.end_offsets(partitions)
    records: list = []
    deadline = time.monotonic() + READ_FOR_S
    while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
        if time.monotonic() > deadline:
            break
        for batch in (await consumer.getmany(*partitions, timeout_ms=200)).values():
            records.extend(batch)
    return records


def _believed(record, service: str, root: TrustRoot) -> CommandKey | None:
    try:
        producer = root.producer_of(record.value, dict(record.headers or ()))
        key = CommandKey.model_validate_json(record.value)
    except (Untrusted, ValidationError):
        return None
    # The topic read is the service's own: signed by it, about its own keys, or ignored.
    return key if producer == service and key.service == service else None
