"""Topic names, and creating topics explicitly with their partition counts.

The local broker auto-creates a topic with 4 partitions whatever it had, and loses every topic
on restart; creating them ourselves keeps partitioning (and so per-stream order) as configured.
"""

from __future__ import annotations

from datetime import timedelta

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from shared.messaging.security import client_options
from shared.privacy.sharing import shared_categories
from shared.settings import KafkaSettings

# How long a command stays on `<service>.commands`: the command keys it is sealed with live
# that long after their day, and a margin (shared.privacy.command_keys).
COMMANDS_RETENTION = timedelta(days=7)
_COMMANDS_MS = int(COMMANDS_RETENTION.total_seconds() * 1000)
# What deploy/topics.yaml sets on Apache Kafka; the local broker ignores retention.
RETENTION_MS = {"events": -1, "commands": _COMMANDS_MS, "outcomes": 7 * 24 * 3600 * 1000}


def events_topic(kafka: KafkaSettings, service: str) -> str:
    return kafka.topic(f"{service}.events")


def commands_topic(kafka: KafkaSettings, service: str) -> str:
    return kafka.topic(f"{service}.commands")


def outcomes_topic(kafka: KafkaSettings, service: str) -> str:
    return kafka.topic(f"{service}.outcomes")


def keys_topic(kafka: KafkaSettings, service: str) -> str:
    """The data keys `service` shares with the services entitled to them (shared.privacy)."""
    return kafka.topic(f"{service}.keys")


def command_keys_topic(kafka: KafkaSettings, service: str) -> str:
    """The public keys commands for `service` are sealed with (shared.privacy.command_keys)."""
    return kafka.topic(f"{service}.command-keys")


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


def service_topics(kafka: KafkaSettings, service: str) -> list[str]:
    topics = [events_topic(kafka, service), commands_topic(kafka, service)]
    topics += [outcomes_topic(kafka, service), command_keys_topic(kafka, service)]
    if shared_categories(service):
        topics.append(keys_topic(kafka, service))
    return topics + [dead_letter_topic(t) for t in topics[:2]]


async def ensure_topics(kafka: KafkaSettings, names: list[str]) -> set[str]:
    """Creates the topics that are missing, with the configured partitions; returns those it
    created."""
    topics = [
        NewTopic(n, kafka.partitions, 1, topic_configs=_configs(n)) for n in dict.fromkeys(names)
    ]
    return await create_missing_topics(kafka, topics)


def _configs(name: str) -> dict[str, str]:
    # A keys topic keeps the latest record of each key: a shredded key's record replaces the
    # key, and compaction then drops the key itself (the local broker does not compact). So
    # does a command keys topic, of each epoch's key and its destruction.
    keys = name.endswith(".keys") or name.endswith(".command-keys")
    return {"cleanup.policy": "compact"} if keys else {}


async def create_missing_topics(kafka: KafkaSettings, topics: list[NewTopic]) -> set[str]:
    """Creates those of `topics` the broker lacks; returns the names it created."""
    admin = AIOKafkaAdminClient(**client_options(kafka))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        if not missing:
            return set()
        response = await admin.create_topics(missing)
    finally:
        await admin.close()
    created, failed = set(), []
    # aiokafka reports per-topic errors in the response instead of raising them.
    for name, code, *message in response.topic_errors:
        error = for_code(code) if code else None
        if error is None:
            created.add(name)
        elif error is not TopicAlreadyExistsError:  # another process raced us: fine
            failed.append(f"{name}: {error.__name__} {message[0] if message else ''}".strip())
    if failed:
        raise RuntimeError("could not create topics:\n  " + "\n  ".join(failed))
    return created
