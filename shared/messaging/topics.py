"""Topic names, and creating topics explicitly with their partition counts.

The local broker auto-creates a topic with 4 partitions whatever it had, and loses every topic
on restart; creating them ourselves keeps partitioning (and so per-stream order) as configured.
"""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.settings import KafkaSettings

# What deploy/topics.yaml sets on Apache Kafka; the local broker ignores retention.
RETENTION_MS = {"events": -1, "commands": 7 * 24 * 3600 * 1000, "outcomes": 7 * 24 * 3600 * 1000}


def events_topic(kafka: KafkaSettings, service: str) -> str:
    return kafka.topic(f"{service}.events")


def commands_topic(kafka: KafkaSettings, service: str) -> str:
    return kafka.topic(f"{service}.commands")


def outcomes_topic(kafka: KafkaSettings, service: str) -> str:
    return kafka.topic(f"{service}.outcomes")


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


def service_topics(kafka: KafkaSettings, service: str) -> list[str]:
    topics = [events_topic(kafka, service), commands_topic(kafka, service)]
    topics.append(outcomes_topic(kafka, service))
    return topics + [dead_letter_topic(t) for t in topics[:2]]


async def ensure_topics(kafka: KafkaSettings, names: list[str]) -> set[str]:
    """Creates the topics that are missing; returns those it created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in dict.fromkeys(names) if n not in existing]
        created = set()
        for name in missing:
            try:
                await admin.create_topics(
                    [NewTopic(name, num_partitions=kafka.partitions, replication_factor=1)]
                )
                created.add(name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        await admin.close()
