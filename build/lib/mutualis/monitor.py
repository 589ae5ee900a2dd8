"""`mutualis monitor tail`: every service's events as they arrive."""

from __future__ import annotations

import json
import re
import sys

from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from shared.contracts import EventEnvelope
from shared.settings import KafkaSettings


async def tail(kafka: KafkaSettings, from_beginning: bool, limit: int | None = None) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
        metadata_max_age_ms=2000,
    )
    consumer.subscribe(pattern=rf"^{re.escape(kafka.namespace)}[a-z]+\.events$")
    await consumer.start()
    print("tailing every *.events topic", file=sys.stderr, flush=True)
    seen = 0
    try:
        async for message in consumer:
            try:
                event = EventEnvelope.model_validate_json(message.value)
            except ValidationError:
                print(json.dumps({"topic": message.topic, "malformed": True}), flush=True)
                continue
            line = {
                "type": event.type,
                "stream": event.stream_id,
                "time": event.occurred_at.isoformat(),
                "correlation_id": event.correlation_id,
                "producer": event.producer,
            }
            print(json.dumps(line), flush=True)
            seen += 1
            if limit and seen >= limit:
                return
    finally:
        await consumer.stop()
