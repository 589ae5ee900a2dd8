"""Staff tooling: publish a command to a service, sealed for it, and wait for its outcome."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mutualis.recipients import recipient_key
from shared.clock import Clock, SystemClock
from shared.command_proof import Sent, prove
from shared.contracts import CommandEnvelope, CommandOutcome
from shared.contracts.envelope import CONTENT_TYPE
from shared.messaging.security import client_options
from shared.messaging.topics import commands_topic, outcomes_topic
from shared.privacy.command_sealing import CommandKey, seal
from shared.settings import KafkaSettings
from shared.trust import TrustRoot

# A command whose outcome has not come after this long is sent again: the broker may have
# lost it (the local one forgets everything when it restarts).
RESEND_AFTER_S = 5.0


@dataclass(frozen=True)
class Sender:
    """Who sends commands: an access token bound to the session's key, and that key."""

    access_token: str
    key: Ed25519PrivateKey

    def envelope(
        self, topic: str, command: str, payload: dict, clock: Clock, key: CommandKey
    ) -> CommandEnvelope:
        """A command for `topic`, its payload sealed for `key`, with the proof that this
        session sends it (of the payload as sent, sealed)."""
        now = clock.now()
        envelope = seal(
            CommandEnvelope(
                type=command, payload=payload, issued_at=now, access_token=self.access_token
            ),
            key,
        )
        sent = Sent(envelope.command_id, command, topic, envelope.payload, self.access_token)
        proof = prove(self.key, sent, now)
        return envelope.model_copy(update={"proof": proof})


async def send_command(
    kafka: KafkaSettings,
    service: str,
    command: str,
    payload: dict,
    sender: Sender | None,
    timeout: float,
    clock: Clock | None = None,
    root: TrustRoot | None = None,
) -> CommandOutcome:
    """Sends a command as the session's user, at the system's time (`clock`), sealed for
    the service's key of the moment, which the trust root (`root`; by default the one of this
    machine's settings) proves is the service's. Raises LookupError when the service has
    published no key in time, TimeoutError when no outcome arrives in time."""
    topic, clock = commands_topic(kafka, service), clock or SystemClock()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    key = await recipient_key(kafka, service, clock, timeout, root)
    envelope = (
        sender.envelope(topic, command, payload, clock, key)
        if sender
        else seal(CommandEnvelope(type=command, payload=payload, issued_at=clock.now()), key)
    )
    return await deliver(kafka, service, envelope, max(0.0, deadline - loop.time()))


async def deliver(
    kafka: KafkaSettings,
    service: str,
    envelope: CommandEnvelope,
    timeout: float,
    resend_after: float = RESEND_AFTER_S,
) -> CommandOutcome:
    """Publishes `envelope` to the service's commands and waits for its outcome. Sends it
    again (the same command: the service handles it once) while no outcome comes, in case the
    broker lost it; waits for the service's topics rather than let a send create them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await _deliver_once(kafka, service, envelope, deadline, resend_after)
        except _NoTopics as missing:
            if loop.time() + 0.5 > deadline:
                raise LookupError(f"{missing}: is the {service} service running?") from None
            await asyncio.sleep(0.5)


class _NoTopics(Exception):
    pass


async def _deliver_once(
    kafka: KafkaSettings,
    service: str,
    envelope: CommandEnvelope,
    deadline: float,
    resend_after: float,
) -> CommandOutcome:
    replies, commands = outcomes_topic(kafka, service), commands_topic(kafka, service)
    # From the earliest reply when positions are lost (a broker that restarted empty): ours
    # is found by its key among the others.
    consumer = AIOKafkaConsumer(
        **client_options(kafka),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(**client_options(kafka), acks="all")
    await consumer.start()
    await producer.start()
    try:
        partitions = [
            TopicPartition(replies, p) for p in consumer.partitions_for_topic(replies) or ()
        ]
        # The broker would create a missing commands topic on the first send, with its own
        # partition count, which the service may not read.
        if not partitions or not consumer.partitions_for_topic(commands):
            raise _NoTopics(f"no topics {commands!r} and {replies!r}")
        consumer.assign(partitions)
        # Read replies from before the send: an end offset reported too low (the local broker
        # does that) only means reading a few more replies, never missing ours.
        for tp, offset in (await consumer.end_offsets(partitions)).items():
            consumer.seek(tp, offset)
        outcome = asyncio.ensure_future(_outcome_of(consumer, envelope.command_id))
        loop = asyncio.get_running_loop()
        try:
            while True:
                await producer.send_and_wait(
                    commands,
                    envelope.model_dump_json().encode(),
                    key=envelope.command_id.encode(),
                    headers=[
                        ("correlation_id", envelope.correlation_id.encode()),
                        ("content-type", CONTENT_TYPE.encode()),
                    ],
                )
                left = deadline - loop.time()
                done, _ = await asyncio.wait({outcome}, timeout=max(0, min(resend_after, left)))
                if done:
                    return outcome.result()
                if left <= resend_after:
                    raise TimeoutError(f"no outcome of {envelope.command_id}")
        finally:
            outcome.cancel()
    finally:
        await producer.stop()
        await consumer.stop()


async def _outcome_of(consumer: AIOKafkaConsumer, command_id: str) -> CommandOutcome:
    async for message in consumer:
        if message.key == command_id.encode():
            return CommandOutcome.model_validate_json(message.value)
    raise RuntimeError("the outcome stream ended")
