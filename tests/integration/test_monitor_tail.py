"""Issue 8, finding 12: `mutualis monitor tail` across a broker loss. The outage is one line,
not a stream of connection errors, and the events the services republish on the new broker
are not printed again as if they were new."""

from __future__ import annotations

import asyncio
import json

from mutualis.monitor import tail
from shared.messaging.local_broker import LocalBroker
from shared.messaging.topics import ensure_topics, events_topic
from tests.integration.test_broker_replacement import broker, settings_of  # noqa: F401
from tests.integration.test_consumers import envelope, produce
from tests.support.waiting import eventually


async def test_issue8_12_tail_reports_an_outage_once_and_prints_each_event_once(
    broker,  # noqa: F811
    capsys,
):
    kafka = settings_of(broker["broker"])
    topic = events_topic(kafka, "complaints")
    await ensure_topics(kafka, [topic])
    before = [envelope(n) for n in range(2)]
    await produce(kafka, topic, [e.model_dump_json().encode() for e in before])
    out, err = [], []

    async def printed(lines: list[str], text: str, count: int = 1) -> bool:
        captured = capsys.readouterr()
        out.extend(captured.out.splitlines())
        err.extend(captured.err.splitlines())
        return sum(text in line for line in lines) >= count

    following = asyncio.create_task(tail(kafka, from_beginning=True, limit=3))
    assert await eventually(lambda: printed(out, '"type"', 2))

    broker["broker"].stop()
    assert await eventually(lambda: printed(err, "the broker does not answer"))
    broker["broker"] = LocalBroker(port=broker["broker"].port).start()
    # The complaints service republishes its store there, and goes on.
    await ensure_topics(kafka, [topic])
    after = envelope(3)
    republished = [*before, after]
    await produce(kafka, topic, [e.model_dump_json().encode() for e in republished])
    await asyncio.wait_for(following, 60)
    await printed(out, "")

    streams = [json.loads(line)["stream"] for line in out if line.startswith("{")]
    # Each once (partitions make no promise of order between streams).
    assert sorted(streams) == sorted(e.stream_id for e in republished), out
    assert sum("does not answer" in line for line in err) == 1, err
    assert not [line for line in err if "Unable connect" in line or "Traceback" in line], err
