"""Consuming from Kafka: idempotent by message id, with a dead-letter topic for what cannot be
decoded or applied, so one bad message never stops the stream."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError

from shared.clock import Clock
from shared.contracts import EventEnvelope
from shared.eventstore import EventStore, UnitOfWork, unit_of_work
from shared.keys import CannotUnwrap
from shared.logging import bind_correlation, get_logger
from shared.masking import mask
from shared.messaging.broker import consumer_options
from shared.messaging.topics import dead_letter_topic, events_topic, keys_topic
from shared.metrics import Metrics
from shared.privacy.envelopes import still_sealed
from shared.privacy.keys import DataKeys
from shared.privacy.marking import Category
from shared.privacy.sharing import SharedKey, SharingKeys
from shared.projections import ProjectionBehind
from shared.retrying import REDELIVERY_BACKOFF, delay_before
from shared.settings import KafkaSettings
from shared.trust import TrustRoot, Untrusted

log = get_logger(__name__)


class KeyNotShared(Exception):
    """An event sealed with a key this service may read, which has not reached it yet: the
    owner shares a key before the events that need it, but the two travel on different
    topics, so the event is taken again a moment later."""


# Failures of the machinery, not of the message: let Kafka deliver it again.
TRANSIENT = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    KeyNotShared,
    ProjectionBehind,
)

MessageHandler = Callable[[KafkaMessage], Awaitable[None]]
EventApplier = Callable[[UnitOfWork, EventEnvelope], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """Events of other services a service keeps a projection of; services "*" means every
    service's events, including services added later."""

    name: str
    services: Sequence[str] | Literal["*"]
    apply: EventApplier


class Poison(Exception):
    """This message can never be handled; it goes to the dead-letter topic."""


def subscribe(
    broker: KafkaBroker,
    kafka: KafkaSettings,
    handle: MessageHandler,
    *topics: str,
    group_id: str,
    pattern: str | None = None,
    metrics: Metrics | None = None,
) -> None:
    """Subscribes `handle`, in consumer group `group_id`, dead-lettering what it cannot handle
    and handing back what failed for a passing reason, after a pause that grows while such
    failures follow one another."""
    failed_in_a_row = 0

    async def on_message(msg: KafkaMessage) -> None:
        nonlocal failed_in_a_row
        try:
            await handle(msg)
        except TRANSIENT as error:
            failed_in_a_row += 1
            await _pause_before_redelivery(msg, error, failed_in_a_row, metrics)
            raise
        except Exception as error:  # anything else would fail again on every redelivery
            await dead_letter(broker, msg, error, group_id, metrics)
        failed_in_a_row = 0

    subscriber = broker.subscriber(
        *topics,
        pattern=pattern,
        group_id=group_id,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        **consumer_options(kafka),
    )
    subscriber(on_message)


async def _pause_before_redelivery(
    msg: KafkaMessage, error: Exception, attempt: int, metrics: Metrics | None
) -> None:
    record, reason = msg.raw_message, type(error).__name__
    if metrics is not None:
        metrics.redeliveries.labels(topic=record.topic, reason=reason).inc()
    if attempt == 1:  # the next ones in a row are the same news
        log.info("message.redelivered", topic=record.topic, offset=record.offset, reason=reason)
    await asyncio.sleep(delay_before(attempt, REDELIVERY_BACKOFF))


async def dead_letter(
    broker: KafkaBroker,
    msg: KafkaMessage,
    error: Exception,
    group_id: str,
    metrics: Metrics | None = None,
) -> None:
    record = msg.raw_message
    reason = mask(f"{type(error).__name__}: {error}"[:2000])
    headers = {k: v.decode(errors="replace") for k, v in (record.headers or [])}
    headers.update(
        {
            "dlq-reason": reason,
            "dlq-topic": record.topic,
            "dlq-partition": str(record.partition),
            "dlq-offset": str(record.offset),
            "dlq-group": group_id,
        }
    )
    # The position, not the body: a command's body is personal data in clear, and the record
    # stays on its topic (events for ever, commands for their retention) to be read from there.
    await broker.publish(b"", dead_letter_topic(record.topic), key=record.key, headers=headers)
    log.warning("message.dead_lettered", topic=record.topic, offset=record.offset, reason=reason)
    if metrics is not None:
        metrics.dead_letters.labels(record.topic).inc()


def decode_event(raw: bytes) -> EventEnvelope:
    try:
        return EventEnvelope.model_validate_json(raw)
    except ValidationError as error:
        raise Poison(f"not an event envelope: {error.errors()[0]['msg']}") from error


@dataclass(frozen=True)
class Provenance:
    """An events topic is written by the service it is named after, and by nobody else: each
    record must be signed by that producer with a key the trust root certified."""

    root: TrustRoot
    kafka: KafkaSettings

    def check(self, msg: KafkaMessage, envelope: EventEnvelope) -> None:
        self._check(msg, envelope.producer, events_topic)

    def check_key(self, msg: KafkaMessage, shared: SharedKey) -> None:
        self._check(msg, shared.owner, keys_topic)

    def _check(self, msg: KafkaMessage, claimed: str, topic_of) -> None:
        record = msg.raw_message
        try:
            producer = self.root.producer_of(record.value, dict(record.headers or ()))
        except Untrusted as refusal:
            raise self._refuse(record, str(refusal)) from None
        if record.topic != topic_of(self.kafka, producer):
            raise self._refuse(record, f"{producer} does not write {record.topic}")
        if claimed != producer:
            raise self._refuse(record, f"signed by {producer}, claims {claimed}")

    def _refuse(self, record, reason: str) -> Poison:
        log.warning("event.untrusted", topic=record.topic, offset=record.offset, reason=reason)
        return Poison(f"untrusted event: {reason}")


def event_consumer(
    store: EventStore,
    clock: Clock,
    name: str,
    apply: EventApplier,
    provenance: Provenance,
    entitled: frozenset[tuple[str, Category]] = frozenset(),
) -> MessageHandler:
    """Applies each event its producer proved it wrote, once: the event id is recorded in the
    same transaction as the effect. `entitled`: the (owner, category) of personal data this
    service may read, whose keys it waits for rather than apply an event still sealed."""

    async def handle(msg: KafkaMessage) -> None:
        envelope = decode_event(msg.body)
        provenance.check(msg, envelope)
        with bind_correlation(correlation_id=envelope.correlation_id, event_id=envelope.event_id):
            async with unit_of_work(store, clock) as uow:
                if not await uow.claim_message(name, envelope.event_id):
                    return
                (readable,) = await uow.open([envelope])
                waiting = {
                    category
                    for category in still_sealed(readable)
                    if (envelope.producer, category) in entitled
                }
                if waiting:
                    raise KeyNotShared(f"{envelope.producer}'s {sorted(waiting)} key not here yet")
                await apply(uow, readable)
                await uow.commit()

    return handle


def key_consumer(
    store: EventStore, clock: Clock, sharing: SharingKeys, provenance: Provenance
) -> MessageHandler:
    """Keeps the data keys other services share with this one (shared.privacy.sharing), and
    shreds its copy of those they shredded. Keeping one twice changes nothing."""

    async def handle(msg: KafkaMessage) -> None:
        try:
            shared = SharedKey.model_validate_json(msg.body)
        except ValidationError as error:
            raise Poison(f"not a shared key: {error.errors()[0]['msg']}") from error
        provenance.check_key(msg, shared)
        try:
            key = None if shared.wrapped is None else sharing.unwrap(shared)
        except KeyError:
            return  # a category of that owner this service is not entitled to
        except (CannotUnwrap, ValueError) as error:
            raise Poison(f"a shared key that does not unwrap: {error}") from None
        async with unit_of_work(store, clock) as uow:
            await DataKeys(uow.conn, store.kek).keep_shared(
                shared.owner, shared.subject, shared.category, key, clock.now()
            )
            # Nobody that follows the store waits for it: the relay and the projections read
            # this service's own events, sealed with its own keys; an event of the owner's that
            # waits for it comes again from Kafka (KeyNotShared).
            await uow.commit()

    return handle
