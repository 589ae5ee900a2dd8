"""Reading a topic from its beginning, as a test's independent witness of what was published."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer


async def read_topic(bootstrap: str, topic: str, at_least: int, timeout: float = 30.0) -> list:
    """Records of `topic` from the beginning, once at least `at_least` have arrived (or the
    timeout passed: then whatever arrived, so the assertion says what was missing)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < at_least and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                records.extend(messages)
    finally:
        await consumer.stop()
    return records


async def eventually(check, timeout: float = 30.0, interval: float = 0.05):
    """Waits for an async `check` to return a truthy value (a condition, not a deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(interval)
