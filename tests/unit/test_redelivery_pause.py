"""Issue 10: a message handed back for a passing reason (a data key not shared yet) is not taken
again at once: the consumer pauses, longer each time in a row, counts it and says so once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from shared.messaging import consumer
from shared.messaging.consumer import KeyNotShared, subscribe
from shared.metrics import Metrics
from shared.settings import KafkaSettings


class CapturingBroker:
    """What `subscribe` registers, without a broker."""

    def subscriber(self, *topics, **options):
        def register(handler):
            self.on_message = handler
            return handler

        return register


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
    msg = SimpleNamespace(raw_message=SimpleNamespace(topic="dossier.events", offset=7))

    for _ in range(6):
        with pytest.raises(KeyNotShared):  # handed back to be delivered again
            await broker.on_message(msg)
    await broker.on_message(msg)
    await broker.on_message(msg)  # the next message after a success does not pause

    assert len(paused) == 6
    assert all(0 < pause <= 5.0 for pause in paused)
    assert paused[-1] > paused[0]  # growing (with jitter, from 0.05 s towards 5 s)
    counted = metrics.redeliveries.labels(topic="dossier.events", reason="KeyNotShared")
    assert counted._value.get() == 6
