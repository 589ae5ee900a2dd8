"""Reading a topic from its beginning, as a test's independent witness of what was published."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.messaging.security import client_options
from shared.settings import KafkaSettings


async def read_topic(bootstrap: str, topic: str, at_least: int, timeout: float = 30.0) -> list:
    """Records of `topic` from the beginning, once at least `at_least` have arrived (or the
    timeout passed: then whatever arrived, so the assertion says what was missing)."""
    deadline = time.monotonic() + timeout
    return await _read(
        bootstrap, [topic], lambda records: len(records) >= at_least or time.monotonic() >= deadline
    )


async def everything_on(
    bootstrap: str, *topics: str, quiet: float = 1.5, first_within: float = 30.0
) -> list:
    """Every record of `topics` from the beginning, read by one consumer until nothing more came
    for `quiet` seconds after the first (end offsets are not to be trusted on the local broker,
    and a busy one can take seconds to send anything); [] if nothing came in `first_within`."""
    started = time.monotonic()
    seen, last_new = 0, started

    def quiet_long_enough(records: list) -> bool:
        nonlocal seen, last_new
        if len(records) > seen:
            seen, last_new = len(records), time.monotonic()
        if not records:
            return time.monotonic() - started >= first_within
        return time.monotonic() - last_new >= quiet

    return await _read(bootstrap, topics, quiet_long_enough)


async def _read(bootstrap: str, topics: Sequence[str], done: Callable[[list], bool]) -> list:
    """Records of `topics` from the beginning, fetched until `done` says so of those read."""
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list = []
    try:
        while not done(records):
            for messages in (await consumer.getmany(timeout_ms=200)).values():
                records.extend(messages)
    finally:
        await consumer.stop()
    return records


async def committed(kafka: KafkaSettings, group: str, topic: str) -> int:
    """How many of `topic`'s records consumer group `group` has committed, over its partitions:
    what a test waits for to know a service has seen a message, also one that changed nothing
    (a duplicate)."""
    admin = AIOKafkaAdminClient(**client_options(kafka))
    probe = AIOKafkaConsumer(**client_options(kafka), enable_auto_commit=False)
    await admin.start()
    await probe.start()
    try:
        await probe.topics()  # the partitions of every topic, `topic`'s among them
        partitions = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic) or ()]
        offsets = await admin.list_consumer_group_offsets(group, partitions=partitions)
    finally:
        await probe.stop()
        await admin.close()
    return sum(meta.offset for meta in offsets.values() if meta.offset > 0)
