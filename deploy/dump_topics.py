"""Every record of every topic, from the beginning, as a plain Kafka client reads it: aiokafka
alone, nothing of this project, so what it prints is what anyone who may read the broker sees
(README, "Personal data": check with grep that an erased member is on no topic).

    python deploy/dump_topics.py [BOOTSTRAP_SERVERS] > topics.txt

Prints one line per record: topic, partition, offset, key, headers, value (bytes as Python
shows them). Stops once no record came for a few seconds."""

from __future__ import annotations

import asyncio
import sys
import time

from aiokafka import AIOKafkaConsumer, TopicPartition

QUIET_S = 3.0


async def dump(bootstrap: str) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        topics = await consumer.topics()
        partitions = [
            TopicPartition(topic, p)
            for topic in sorted(topics)
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        last_record = time.monotonic()
        while time.monotonic() - last_record < QUIET_S:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                last_record = time.monotonic()
                for r in records:
                    print(r.topic, r.partition, r.offset, r.key, r.headers, r.value, flush=False)
    finally:
        await consumer.stop()
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(dump(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9092"))
