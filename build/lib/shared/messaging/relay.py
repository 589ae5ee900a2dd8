"""Publishes what the store committed: events to `<service>.events`, outbox rows to their topic.

An event reaches Kafka if and only if it was committed: the relay follows the store with a
checkpoint (see store.py on why it never skips one) and moves the checkpoint only after Kafka
acknowledged. Killed in between, it publishes the same events again after restart; consumers
drop them by event id."""

from __future__ import annotations

import asyncio

from faststream.kafka import KafkaBroker
from sqlalchemy import delete, select

from shared.eventstore import EventStore, load_checkpoint
from shared.eventstore.schema import checkpoints, outbox
from shared.eventstore.unit_of_work import save_checkpoint
from shared.logging import get_logger
from shared.polling import poll_until_stopped
from shared.messaging.broker import event_headers

log = get_logger(__name__)

CHECKPOINT = "relay"


class Relay:
    def __init__(
        self, store: EventStore, broker: KafkaBroker, events_topic: str, batch_size: int = 500
    ) -> None:
        self.store, self.broker, self.topic = store, broker, events_topic
        self.batch_size = batch_size
        self.database = store.database

    async def publish_pending(self) -> int:
        """Publishes one batch of committed events and outbox messages; returns how many."""
        return await self._publish_events() + await self._publish_outbox()

    async def run(self, stop: asyncio.Event, idle_wait: float) -> None:
        await poll_until_stopped(self.publish_pending, stop, idle_wait, "relay")

    async def restart_from_beginning(self) -> None:
        """For a fresh broker (topics gone): publish the whole store again."""
        async with self.database.begin() as conn:
            await conn.execute(delete(checkpoints).where(checkpoints.c.name == CHECKPOINT))
        log.info("relay.republishing_store")

    async def _publish_events(self) -> int:
        async with self.database.read() as conn:
            after = await load_checkpoint(conn, CHECKPOINT)
            batch = await self.store.read_all(conn, after, limit=self.batch_size)
        if not batch:
            return 0
        sends = [
            await self.broker.publish(
                r.envelope.model_dump_json().encode(),
                self.topic,
                key=r.envelope.stream_id.encode(),
                headers=event_headers(r.envelope),
                correlation_id=r.envelope.correlation_id,
                no_confirm=True,
            )
            for r in batch
        ]
        await asyncio.gather(*sends)
        async with self.database.begin() as conn:
            await save_checkpoint(conn, CHECKPOINT, batch[-1].position)
        return len(batch)

    async def _publish_outbox(self) -> int:
        # Outbox rows are deleted once sent, so a row that commits late is still found.
        async with self.database.read() as conn:
            rows = (
                await conn.execute(select(outbox).order_by(outbox.c.id).limit(self.batch_size))
            ).all()
        if not rows:
            return 0
        sends = [
            await self.broker.publish(
                row.value,
                row.topic,
                key=row.key.encode() if row.key else None,
                headers=row.headers,
                no_confirm=True,
            )
            for row in rows
        ]
        await asyncio.gather(*sends)
        async with self.database.begin() as conn:
            await conn.execute(delete(outbox).where(outbox.c.id.in_([r.id for r in rows])))
        return len(rows)
