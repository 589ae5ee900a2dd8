"""`mutualis monitor`: every service's events as they arrive, read from Kafka; and monitoring's
figures, read from its API with the staff session's token."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
from collections import OrderedDict

import httpx
from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from mutualis.session import problem
from shared.contracts import EventEnvelope
from shared.messaging.cluster import ClusterWatch
from shared.messaging.security import client_options
from shared.settings import KafkaSettings


async def tail(kafka: KafkaSettings, from_beginning: bool, limit: int | None = None) -> None:
    """Prints each event once: one that a service republishes (after the broker lost its log)
    is not news, and a broker outage is one line, not a stream of connection errors."""
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    consumer = AIOKafkaConsumer(
        **client_options(kafka),
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
        metadata_max_age_ms=2000,
    )
    consumer.subscribe(pattern=rf"^{re.escape(kafka.namespace)}[a-z]+\.events$")
    await consumer.start()
    print("tailing every *.events topic", file=sys.stderr, flush=True)
    shown: OrderedDict[str, None] = OrderedDict()
    stop = asyncio.Event()

    async def new_cluster(cluster_id: str) -> None:
        if watch.current is not None:
            # Everything is published again there: read it all, print what was not shown.
            print(f"the broker is a new cluster ({cluster_id})", file=sys.stderr, flush=True)
            consumer.seek_to_beginning()

    watch = ClusterWatch(kafka, new_cluster, interval=2.0, report=_report_outage)
    await watch.check()
    watching = asyncio.create_task(watch.run(stop))
    try:
        async for message in consumer:
            try:
                event = EventEnvelope.model_validate_json(message.value)
            except ValidationError:
                print(json.dumps({"topic": message.topic, "malformed": True}), flush=True)
                continue
            if event.event_id in shown:
                continue
            shown[event.event_id] = None
            if len(shown) > SHOWN_KEPT:
                shown.popitem(last=False)
            line = {
                "type": event.type,
                "stream": event.stream_id,
                "time": event.occurred_at.isoformat(),
                "correlation_id": event.correlation_id,
                "producer": event.producer,
            }
            print(json.dumps(line), flush=True)
            if limit and len(shown) >= limit:
                return
    finally:
        stop.set()
        await watching
        await consumer.stop()


# Event ids remembered to recognise a republished event; older ones are long past.
SHOWN_KEPT = 100_000


def _report_outage(reachable: bool, detail: str) -> None:
    if reachable:
        print(f"the broker answers again ({detail})", file=sys.stderr, flush=True)
    else:
        print(f"the broker does not answer: {detail}; waiting", file=sys.stderr, flush=True)


class Refused(Exception):
    """Monitoring answered, but not the figures: the reason is in the message."""


def figures(url: str, path: str, token: str) -> dict:
    """Monitoring's figures at `path`, as the staff member whose access token this is.
    Raises httpx.HTTPError when monitoring does not answer."""
    response = httpx.get(f"{url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    if response.status_code == 401:
        # The session judges its token by this machine's clock, monitoring by the system's,
        # which `mutualis clock advance` moves on.
        raise Refused(
            "monitoring refused the session's token (expired or revoked): "
            "run `mutualis staff login LOGIN` again"
        )
    if response.status_code != 200:
        raise Refused(f"monitoring answered {response.status_code}: {problem(response)}")
    return response.json()
