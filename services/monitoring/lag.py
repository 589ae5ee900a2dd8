"""Consumer lag per consumer group: end offset minus committed offset, per partition.

On the local broker end offsets can be too low after batched produce, so the figures there
are approximate (and say so)."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.messaging.security import client_options
from shared.settings import KafkaSettings


@dataclass(frozen=True)
class GroupLag:
    total: int
    topics: dict[str, int]


async def consumer_lag(kafka: KafkaSettings) -> dict[str, GroupLag]:
    admin = AIOKafkaAdminClient(**client_options(kafka))
    probe = AIOKafkaConsumer(**client_options(kafka), enable_auto_commit=False)
    await admin.start()
    await probe.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(kafka.namespace)]
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(probe.partitions_for_topic(topic) or ())
        ]
        ends = await probe.end_offsets(partitions) if partitions else {}
        groups = [
            g[0] for g in await admin.list_consumer_groups() if g[0].startswith(kafka.namespace)
        ]
        lag = {}
        for group in sorted(groups):
            committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
            per_topic: dict[str, int] = {}
            for tp, meta in committed.items():
                if meta.offset >= 0:
                    per_topic[tp.topic] = per_topic.get(tp.topic, 0) + max(
                        ends[tp] - meta.offset, 0
                    )
            if per_topic:
                lag[group] = GroupLag(sum(per_topic.values()), per_topic)
        return lag
    finally:
        await probe.stop()
        await admin.close()
