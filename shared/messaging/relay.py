"""Publishes what the store committed: events to `<service>.events`, outbox rows to their topic,
the data keys it shares with other services to `<service>.keys`, before the events sealed
with them (shared.privacy.sharing), and the public keys commands for it are sealed with to
`<service>.command-keys` (shared.privacy.command_keys).

An event reaches Kafka if and only if it was committed: the relay follows the store with a
checkpoint (see store.py on why it never skips one) and moves the checkpoint only after Kafka
acknowledged. Killed in between, it publishes the same events again after restart; consumers
drop them by event id.

Replicas of a service take turns: on PostgreSQL a round holds an advisory lock, and a replica
that finds it taken publishes nothing that round, so no event or reply goes out once per
replica.

The checkpoint is kept per Kafka cluster: on a cluster that lost its log (see cluster.py) the
relay has published nothing yet, so it publishes the whole store again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from faststream.kafka import KafkaBroker
from sqlalchemy import delete, select, text

from shared.contracts import EventEnvelope
from shared.contracts.envelope import CONTENT_TYPE
from shared.eventstore import EventStore, load_checkpoint
from shared.eventstore.lag import lag
from shared.eventstore.schema import outbox
from shared.eventstore.unit_of_work import save_checkpoint
from shared.logging import get_logger
from shared.messaging.broker import event_headers
from shared.metrics import Metrics
from shared.privacy.command_keys import CommandKeys
from shared.privacy.keys import DataKeys
from shared.privacy.sharing import SharingKeys, shared_categories
from shared.retrying import poll_until_stopped
from shared.trust import ProducerCredential

log = get_logger(__name__)

CHECKPOINT = "relay"
# Held until the round's transaction ends, or its connection does: a replica that dies
# mid-round leaves it to the others.
_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtext(:name))")


class Relay:
    def __init__(
        self,
        store: EventStore,
        broker: KafkaBroker,
        events_topic: str,
        credential: ProducerCredential,
        batch_size: int = 500,
        metrics: Metrics | None = None,
        sharing: tuple[SharingKeys, str] | None = None,
        command_keys_topic: str | None = None,
    ) -> None:
        """`sharing`: the sharing keys of this service and its keys topic, when other services
        read some of its personal data; `command_keys_topic`: where the public keys of its
        commands go, when it handles commands."""
        self.store, self.broker, self.topic = store, broker, events_topic
        self.sharing = sharing
        self.command_keys_topic = command_keys_topic
        self.cluster = ""
        # Signs every record: consumers accept this service's events on proof, not on its word.
        self.credential = credential
        self.batch_size = batch_size
        self.database = store.database
        self.checkpoint = CHECKPOINT
        # Held while publishing, and while the service moves to another cluster.
        self.lock = asyncio.Lock()
        self.metrics = metrics or Metrics()

    def follow(self, cluster_id: str) -> None:
        """From now on publish to the cluster `cluster_id`: from the beginning of the store
        if nothing was published there yet. Called with the lock held."""
        self.checkpoint = f"{CHECKPOINT}@{cluster_id}"
        self.cluster = cluster_id

    async def publish_pending(self) -> int:
        """Publishes one batch of committed events and outbox messages; returns how many."""
        async with self.lock, self._turn() as ours:
            if not ours:
                return 0
            shared = await self._share_keys()  # first: a reader then finds the key it needs
            shared += await self._publish_command_keys()
            return shared + await self._publish_events() + await self._publish_outbox()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[bool]:
        """Whether this replica publishes this round: on PostgreSQL one replica at a time
        holds the round's lock, and the others publish nothing meanwhile, instead of each
        publishing every event, key and outcome again. SQLite is one process's."""
        if not self.database.is_postgres:
            yield True
            return
        async with self.database.engine.connect() as conn, conn.begin():
            yield await conn.scalar(_TRY_LOCK, {"name": self.checkpoint})

    async def measure_lag(self) -> None:
        """Sets the relay lag gauge: how far the current cluster's checkpoint is behind the
        store. Asked when metrics are read, not on each round, so a relay that is stuck shows
        its true lag instead of the last one it saw."""
        async with self.database.read() as conn:
            self.metrics.relay_lag.set(await lag(conn, self.checkpoint))

    async def run(self, stop: asyncio.Event, idle_wait: float) -> None:
        wake = self.store.watch()
        await poll_until_stopped(self.publish_pending, stop, idle_wait, "relay", wake=wake)

    async def _share_keys(self) -> int:
        if self.sharing is None:
            return 0
        sharing, topic = self.sharing
        owner, categories = self.store.producer, shared_categories(self.store.producer)
        async with self.database.read() as conn:
            keys = DataKeys(conn, self.store.kek)
            pending = await keys.unshared(owner, categories, self.cluster, self.batch_size)
        if not pending:
            return 0
        sends = []
        for entry in pending:
            record = sharing.share(entry.subject, entry.category, entry.key)
            value = record.model_dump_json().encode()
            sends.append(
                await self._send(value, topic, record.record_key, {"content-type": CONTENT_TYPE})
            )
        await asyncio.gather(*sends)
        async with self.database.begin() as conn:
            await DataKeys(conn, self.store.kek).mark_shared(owner, pending, self.cluster)
        return len(pending)

    async def _publish_command_keys(self) -> int:
        """The command keys made or destroyed since they were last published on this cluster,
        signed like the events: a sender trusts a key only on the service's signature."""
        if self.command_keys_topic is None:
            return 0
        service = self.store.producer
        async with self.database.read() as conn:
            keys = CommandKeys(conn, self.store.kek, service)
            pending = await keys.unpublished(self.cluster, self.batch_size)
        if not pending:
            return 0
        headers = {"content-type": CONTENT_TYPE}
        sends = [
            await self._send(
                r.model_dump_json().encode(), self.command_keys_topic, r.record_key, headers
            )
            for r in pending
        ]
        await asyncio.gather(*sends)
        async with self.database.begin() as conn:
            await CommandKeys(conn, self.store.kek, service).mark_published(pending, self.cluster)
        return len(pending)

    async def _publish_events(self) -> int:
        async with self.database.read() as conn:
            after = await load_checkpoint(conn, self.checkpoint)
            batch = await self.store.read_all(conn, after, limit=self.batch_size)
        if not batch:
            return 0
        sends = [await self._publish_event(r.envelope) for r in batch]
        await asyncio.gather(*sends)
        async with self.database.begin() as conn:
            await save_checkpoint(conn, self.checkpoint, batch[-1].position)
        return len(batch)

    async def _publish_event(self, envelope: EventEnvelope):
        return await self._send(
            envelope.model_dump_json().encode(),
            self.topic,
            envelope.stream_id.encode(),
            event_headers(envelope),
            correlation_id=envelope.correlation_id,
        )

    async def _publish_outbox(self) -> int:
        # Outbox rows are deleted once sent, so a row that commits late is still found.
        async with self.database.read() as conn:
            rows = (
                await conn.execute(select(outbox).order_by(outbox.c.id).limit(self.batch_size))
            ).all()
        if not rows:
            return 0
        sends = [
            await self._send(
                row.value, row.topic, row.key.encode() if row.key else None, row.headers or {}
            )
            for row in rows
        ]
        await asyncio.gather(*sends)
        async with self.database.begin() as conn:
            await conn.execute(delete(outbox).where(outbox.c.id.in_([r.id for r in rows])))
        return len(rows)

    async def _send(
        self, value: bytes, topic: str, key: bytes | None, headers: dict[str, str], **options
    ):
        """Hands `value` to the producer signed with this service's key; awaiting what this
        returns waits for Kafka's acknowledgement."""
        return await self.broker.publish(
            value,
            topic,
            key=key,
            headers=headers | self.credential.sign(value),
            no_confirm=True,
            **options,
        )
