"""Staff tooling: publish a command to a service and wait for its outcome."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.contracts import CommandEnvelope, CommandOutcome
from shared.messaging.topics import commands_topic, outcomes_topic
from shared.settings import KafkaSettings


async def send_command(
    kafka: KafkaSettings,
    service: str,
    command: str,
    payload: dict,
    access_token: str | None,
    timeout: float,
) -> CommandOutcome:
    """Sends a command as the user the access token belongs to. Raises TimeoutError when no
    outcome arrives in time."""
    replies = outcomes_topic(kafka, service)
    envelope = CommandEnvelope(
        type=command,
        payload=payload,
        issued_at=datetime.now(timezone.utc),
        access_token=access_token,
        reply_to=replies,
    )
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, enable_auto_commit=False)
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    await consumer.start()
    await producer.start()
    try:
        partitions = [
            TopicPartition(replies, p) for p in consumer.partitions_for_topic(replies) or ()
        ]
        if not partitions:
            raise LookupError(f"no topic {replies!r}: is the {service} service running?")
        consumer.assign(partitions)
        # Read replies from before the send: an end offset reported too low (the local broker
        # does that) only means reading a few more replies, never missing ours.
        for tp, offset in (await consumer.end_offsets(partitions)).items():
            consumer.seek(tp, offset)
        await producer.send_and_wait(
            commands_topic(kafka, service),
            envelope.model_dump_json().encode(),
            key=envelope.command_id.encode(),
            headers=[("correlation-id", envelope.correlation_id.encode())],
        )
        return await asyncio.wait_for(_outcome_of(consumer, envelope.command_id), timeout)
    finally:
        await producer.stop()
        await consumer.stop()


async def _outcome_of(consumer: AIOKafkaConsumer, command_id: str) -> CommandOutcome:
    async for message in consumer:
        if message.key == command_id.encode():
            return CommandOutcome.model_validate_json(message.value)
    raise RuntimeError("the outcome stream ended")
