"""Consuming from Kafka: idempotent by message id, with a dead-letter topic for what cannot be
decoded or applied, so one bad message never stops the stream."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from aiokafka import ConsumerRecord
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

# A batch of records, as Kafka handed them over: in order within each partition.
RecordsHandler = Callable[[Sequence[ConsumerRecord]], Awaitable[None]]
EventApplier = Callable[[UnitOfWork, EventEnvelope], Awaitable[None]]

# Records taken from Kafka at once, and how long a poll waits for the first. Events of one batch
# are applied in one transaction: a service catching up on a stream (a new replica, a cluster
# that lost its log) pays a commit, a claim and a key look-up per batch, not per event.
BATCH_RECORDS = 200
BATCH_WAIT_MS = 50


@dataclass(frozen=True)
class Subscription:
    """Events of other services a service keeps a projection of; services "*" means every
    service's events, including services added later."""

    name: str
    services: Sequence[str] | Literal["*"]
    apply: EventApplier


class Poison(Exception):
    """This message can never be handled; it goes to the dead-letter topic. `record`: the
    record of the batch at fault, when known: the others are then handled without it."""

    record: ConsumerRecord | None = None


@contextmanager
def blaming(record: ConsumerRecord) -> Iterator[None]:
    """Poison raised inside is this record's."""
    try:
        yield
    except Poison as poison:
        poison.record = record
        raise


def subscribe(
    broker: KafkaBroker,
    kafka: KafkaSettings,
    handle: RecordsHandler,
    *topics: str,
    group_id: str,
    pattern: str | None = None,
    metrics: Metrics | None = None,
) -> None:
    """Subscribes `handle`, in consumer group `group_id`, to batches of records; dead-letters
    what it cannot handle and hands back what failed for a passing reason, after a pause that
    grows while such failures follow one another. A batch that fails for another reason is
    handled again record by record, so that only the record at fault goes to the dead
    letters (the others are claimed once: handling one again changes nothing)."""
    failed_in_a_row = 0

    async def handle_or_dead_letter(records: Sequence[ConsumerRecord]) -> None:
        try:
            await handle(records)
        except TRANSIENT:
            raise
        except Exception as error:  # anything else would fail again on every redelivery
            bad = error.record if isinstance(error, Poison) else None
            if bad is None and len(records) > 1:
                for record in records:
                    await handle_or_dead_letter([record])
                return
            bad = bad or records[0]
            await dead_letter(broker, bad, error, group_id, metrics)
            if rest := [r for r in records if r is not bad]:
                await handle_or_dead_letter(rest)

    async def on_batch(msg: KafkaMessage) -> None:
        nonlocal failed_in_a_row
        records = msg.raw_message
        if not records:
            return
        if metrics is not None:
            for topic, count in Counter(record.topic for record in records).items():
                metrics.consumed.labels(topic).inc(count)
        try:
            await handle_or_dead_letter(records)
        except TRANSIENT as error:
            failed_in_a_row += 1
            await _pause_before_redelivery(records[0], error, failed_in_a_row, metrics)
            raise
        failed_in_a_row = 0

    subscriber = broker.subscriber(
        *topics,
        pattern=pattern,
        group_id=group_id,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=BATCH_RECORDS,
        batch_timeout_ms=BATCH_WAIT_MS,
        **consumer_options(kafka),
    )
    subscriber(on_batch)


def keys_first(
    records: Sequence[ConsumerRecord], key_topics: Collection[str]
) -> list[ConsumerRecord]:
    """A batch in the order to handle it: the records of keys topics first. One of its events
    may wait for one of its keys (KeyNotShared), and handled in the order Kafka gave, the whole
    batch would come back with the key still behind the event, for ever. Nothing waits the other
    way, and each topic keeps its order (a stable sort)."""
    return sorted(records, key=lambda record: record.topic not in key_topics)


async def _pause_before_redelivery(
    record: ConsumerRecord, error: Exception, attempt: int, metrics: Metrics | None
) -> None:
    reason = type(error).__name__
    if metrics is not None:
        metrics.redeliveries.labels(topic=record.topic, reason=reason).inc()
    if attempt == 1:  # the next ones in a row are the same news
        log.info("message.redelivered", topic=record.topic, offset=record.offset, reason=reason)
    await asyncio.sleep(delay_before(attempt, REDELIVERY_BACKOFF))


async def dead_letter(
    broker: KafkaBroker,
    record: ConsumerRecord,
    error: Exception,
    group_id: str,
    metrics: Metrics | None = None,
) -> None:
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

    def check(self, record: ConsumerRecord, envelope: EventEnvelope) -> None:
        self._check(record, envelope.producer, events_topic)

    def check_key(self, record: ConsumerRecord, shared: SharedKey) -> None:
        self._check(record, shared.owner, keys_topic)

    def _check(self, record: ConsumerRecord, claimed: str, topic_of) -> None:
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
) -> RecordsHandler:
    """Applies each event its producer proved it wrote, once: the events' ids are recorded in
    the same transaction as their effects, one for the batch. `entitled`: the (owner,
    category) of personal data this service may read, whose keys it waits for rather than
    apply an event still sealed."""

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        envelopes: dict[str, EventEnvelope] = {}
        for record in records:
            with blaming(record):
                envelope = decode_event(record.value)
                provenance.check(record, envelope)
            envelopes.setdefault(envelope.event_id, envelope)  # published twice: applied once
        async with unit_of_work(store, clock) as uow:
            new = await uow.claim_messages(name, list(envelopes))
            if not new:
                return
            for readable in await uow.open([e for e in envelopes.values() if e.event_id in new]):
                with bind_correlation(
                    correlation_id=readable.correlation_id, event_id=readable.event_id
                ):
                    waiting = {
                        category
                        for category in still_sealed(readable)
                        if (readable.producer, category) in entitled
                    }
                    if waiting:
                        raise KeyNotShared(
                            f"{readable.producer}'s {sorted(waiting)} key not here yet"
                        )
                    await apply(uow, readable)
            await uow.commit()

    return handle


def _shared_key(
    record: ConsumerRecord, sharing: SharingKeys, provenance: Provenance
) -> tuple[SharedKey, bytes | None] | None:
    """The key the record shares, unwrapped (None: shredded by its owner); None for a category
    of that owner this service is not entitled to."""
    try:
        shared = SharedKey.model_validate_json(record.value)
    except ValidationError as error:
        raise Poison(f"not a shared key: {error.errors()[0]['msg']}") from error
    provenance.check_key(record, shared)
    try:
        return shared, None if shared.wrapped is None else sharing.unwrap(shared)
    except KeyError:
        return None
    except (CannotUnwrap, ValueError) as error:
        raise Poison(f"a shared key that does not unwrap: {error}") from None


def key_consumer(
    store: EventStore, clock: Clock, sharing: SharingKeys, provenance: Provenance
) -> RecordsHandler:
    """Keeps the data keys other services share with this one (shared.privacy.sharing), and
    shreds its copy of those they shredded. Keeping one twice changes nothing."""

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        kept: list[tuple[SharedKey, bytes | None]] = []
        for record in records:
            with blaming(record):
                if (found := _shared_key(record, sharing, provenance)) is not None:
                    kept.append(found)
        if not kept:
            return
        async with unit_of_work(store, clock) as uow:
            keys = DataKeys(uow.conn, store.kek)
            for shared, key in kept:
                # Nobody that follows the store waits for it: the relay and the projections
                # read this service's own events, sealed with its own keys; an event of the
                # owner's that waits for it comes again from Kafka (KeyNotShared).
                await keys.keep_shared(
                    shared.owner, shared.subject, shared.category, key, clock.now()
                )
            await uow.commit()

    return handle
