"""Issue 10: a message handed back for a passing reason (a data key not shared yet) is not taken
again at once: the consumer pauses, longer each time in a row, counts it and says so once. And
records come in batches: one that cannot be handled goes to the dead letters alone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from shared.messaging import consumer
from shared.messaging.consumer import KeyNotShared, Poison, blaming, keys_first, subscribe
from shared.metrics import Metrics
from shared.settings import KafkaSettings


class CapturingBroker:
    """What `subscribe` registers, and what it publishes (dead letters), without a broker."""

    def __init__(self) -> None:
        self.published: list[tuple[str, dict]] = []

    def subscriber(self, *topics, **options):
        def register(handler):
            self.on_batch = handler
            return handler

        return register

    async def publish(self, value, topic, key=None, headers=None) -> None:
        self.published.append((topic, headers))


@pytest.fixture
def paused(monkeypatch) -> list[float]:
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(consumer.asyncio, "sleep", sleep)
    return pauses


async def test_issue10_a_key_not_shared_yet_is_waited_for_longer_each_time_then_taken(paused):
    outcomes = [KeyNotShared("dossier's ['contact'] key not here yet")] * 6 + [None] * 2
    handled = []

    async def handle(msg) -> None:
        handled.append(msg)
        if (outcome := outcomes[len(handled) - 1]) is not None:
            raise outcome

    broker, metrics = CapturingBroker(), Metrics()
    subscribe(
        broker, KafkaSettings(), handle, "dossier.events", group_id="identity", metrics=metrics
    )
    msg = SimpleNamespace(raw_message=(record(7),))

    for _ in range(6):
        with pytest.raises(KeyNotShared):  # handed back to be delivered again
            await broker.on_batch(msg)
    await broker.on_batch(msg)
    await broker.on_batch(msg)  # the next message after a success does not pause

    assert len(paused) == 6
    assert all(0 < pause <= 5.0 for pause in paused)
    assert paused[-1] > paused[0]  # growing (with jitter, from 0.05 s towards 5 s)
    counted = metrics.redeliveries.labels(topic="dossier.events", reason="KeyNotShared")
    assert counted._value.get() == 6


def record(offset: int, topic: str = "dossier.events") -> SimpleNamespace:
    return SimpleNamespace(
        topic=topic, partition=0, offset=offset, key=b"k", headers=[], value=b"{}"
    )


async def test_a_batch_that_fails_is_taken_record_by_record_and_only_the_bad_one_dead_lettered():
    handled: list[list[int]] = []

    async def handle(records) -> None:
        offsets = [r.offset for r in records]
        if 8 in offsets:
            raise ValueError("not an event envelope")
        handled.append(offsets)

    broker = CapturingBroker()
    subscribe(broker, KafkaSettings(), handle, "dossier.events", group_id="payments")

    await broker.on_batch(SimpleNamespace(raw_message=(record(7), record(8), record(9))))

    assert handled == [[7], [9]]
    [(topic, headers)] = broker.published
    assert topic == "dossier.events.dlq" and headers["dlq-offset"] == "8"


async def test_a_record_found_poisonous_is_dead_lettered_and_the_rest_taken_together():
    handled: list[list[int]] = []

    async def handle(records) -> None:
        for r in records:
            with blaming(r):
                if r.offset == 8:
                    raise Poison("untrusted event: the record is not signed by a producer")
        handled.append([r.offset for r in records])

    broker = CapturingBroker()
    subscribe(broker, KafkaSettings(), handle, "dossier.events", group_id="payments")

    await broker.on_batch(SimpleNamespace(raw_message=(record(7), record(8), record(9))))

    assert handled == [[7, 9]]
    [(_, headers)] = broker.published
    assert headers["dlq-offset"] == "8" and "untrusted" in headers["dlq-reason"]


def test_issue10_a_batch_takes_its_keys_before_its_events_each_topic_in_its_order():
    """An event that waits for a key of the same batch finds it: otherwise the batch would come
    back, the key again behind the event, for ever."""
    batch = [record(1), record(2), record(5, "dossier.keys"), record(3), record(6, "dossier.keys")]

    ordered = keys_first(batch, {"dossier.keys"})

    assert [(r.topic, r.offset) for r in ordered] == [
        ("dossier.keys", 5),
        ("dossier.keys", 6),
        ("dossier.events", 1),
        ("dossier.events", 2),
        ("dossier.events", 3),
    ]
