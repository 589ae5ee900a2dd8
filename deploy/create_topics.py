"""Creates the topics of deploy/topics.yaml that the broker in KAFKA_BOOTSTRAP_SERVERS lacks.

Run once before the services start (compose: kafka-init); topics that exist are left as they
are, so running it again is harmless. KAFKA_REPLICATION_FACTOR, when set, replaces the file's
replication factor: a one-broker stack cannot hold three copies.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

import yaml
from aiokafka.admin import NewTopic

from shared.messaging.topics import create_missing_topics
from shared.settings import KafkaSettings

TOPICS_FILE = Path(__file__).with_name("topics.yaml")

log = logging.getLogger("create_topics")


def load_topics(path: Path = TOPICS_FILE, replication_factor: int | None = None) -> list[dict]:
    """Every topic of the file with the defaults filled in: {name, partitions,
    replication_factor, config}."""
    spec = yaml.safe_load(path.read_text())
    defaults = spec.get("defaults") or {}
    topics = []
    for entry in spec["topics"]:
        config = {**defaults.get("config", {}), **entry.get("config", {})}
        topic = {**defaults, **entry, "config": config}
        if replication_factor is not None:
            topic["replication_factor"] = replication_factor
            # More required in-sync copies than copies would refuse every acks=all write.
            if int(topic["config"].get("min.insync.replicas", 1)) > replication_factor:
                topic["config"]["min.insync.replicas"] = replication_factor
        topics.append(topic)
    return topics


def new_topic(topic: dict) -> NewTopic:
    # The protocol carries every config value as a string.
    configs = {key: str(value) for key, value in topic["config"].items()}
    return NewTopic(
        topic["name"], topic["partitions"], topic["replication_factor"], topic_configs=configs
    )


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
    factor = os.environ.get("KAFKA_REPLICATION_FACTOR")
    topics = load_topics(replication_factor=int(factor) if factor else None)
    # KAFKA_BOOTSTRAP_SERVERS and the admin principal's KAFKA_SASL_* credentials.
    kafka = KafkaSettings()
    created = asyncio.run(create_missing_topics(kafka, [new_topic(t) for t in topics]))
    log.info("%d topics created, %d already there", len(created), len(topics) - len(created))
    for name in created:
        log.info("created %s", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
