"""The one way a handler loads and saves an aggregate (shared.aggregate), within its unit of
work: `get` reads the stream and rebuilds it; `save` appends what it recorded, expecting the
stream at the version it was loaded at, with ids derived from what caused the work (a command,
a timer, an event), so doing the same work again stores nothing twice."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from shared.aggregate import Aggregate
from shared.contracts import Actor, EventEnvelope, events
from shared.eventstore.store import Append, PendingEvent, Snapshot
from shared.eventstore.unit_of_work import Timer

A = TypeVar("A", bound=Aggregate)

# The id of the n-th event (from 0) a piece of work appends to a stream.
EventIds = Callable[[str, int], str]


def derived_ids(cause_id: str) -> EventIds:
    """Event ids derived from the id of what caused them: the same cause, the same ids."""
    return lambda stream_id, n: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{cause_id}/{stream_id}/{n}"))


class Repository:
    """The aggregates one piece of work loads and saves: who did it and why travel with every
    event it saves. A command's is `CommandContext.aggregates`; a timer's and an event's are
    made by `for_timer` and `for_event`."""

    def __init__(
        self,
        uow,
        *,
        ids: EventIds,
        correlation_id: str,
        causation_id: str | None = None,
        actor: Actor | None = None,
    ) -> None:
        self.uow, self.ids = uow, ids
        self.correlation_id, self.causation_id, self.actor = correlation_id, causation_id, actor
        # Events this work saved per stream: saving the same aggregate twice numbers on, so
        # the second save's ids are new (the same work done again numbers from 0 again).
        self._saved: dict[str, int] = {}

    @classmethod
    def for_timer(cls, uow, timer: Timer) -> Repository:
        """A timer's work: fired again after a crash, it stores nothing twice."""
        cause = f"{uow.store.producer}/timer:{timer.timer_id}"
        return cls(uow, ids=derived_ids(cause), correlation_id=timer.correlation_id)

    @classmethod
    def for_event(cls, uow, envelope: EventEnvelope) -> Repository:
        """What an event causes: redelivered, it stores nothing twice. The ids name this service
        too: services that answer the same event in streams of the same name (each one's part
        of a person's copy) must not make the same event ids, which consumers de-duplicate by."""
        return cls(
            uow,
            ids=derived_ids(f"{uow.store.producer}/event:{envelope.event_id}"),
            correlation_id=envelope.correlation_id,
            causation_id=envelope.event_id,
        )

    async def get(self, kind: type[A], *key: str) -> A:
        """The aggregate with this key as its events left it (`is_new` if there are none)."""
        if kind.length_is_state:
            aggregate = kind.rebuild(*key)
            aggregate.version = await self.uow.stream_version(kind.stream(*key))
            return aggregate
        [aggregate] = await self.get_many(kind, [key])
        return aggregate

    async def get_many(self, kind: type[A], keys: Iterable[tuple]) -> list[A]:
        """The aggregates with these keys, in their order, their streams read in one query:
        from their snapshots on, for a kind that keeps them."""
        streams = {kind.stream(*key): key for key in keys}
        kept = (
            await self.uow.snapshots(streams, kind.snapshot_schema) if kind.snapshot_every else {}
        )
        after = {stream: version for stream, (version, _) in kept.items()}
        history = await self.uow.read_streams(streams, after)
        loaded = []
        for stream, key in streams.items():
            if stream in kept:
                version, state = kept[stream]
                aggregate = kind.from_snapshot(*key, state=state, version=version)
            else:
                aggregate = kind.rebuild(*key)
            loaded.append(
                aggregate.replay([(events.decode(e), e.occurred_at) for e in history[stream]])
            )
        return loaded

    async def save(self, *aggregates: Aggregate) -> list[EventEnvelope]:
        """Appends each aggregate's recorded events, all in one append; WrongExpectedVersion if
        a stream grew since its aggregate was loaded."""
        appends = []
        for aggregate in aggregates:
            stream = aggregate.stream_id
            first = self._saved.get(stream, 0)
            pending = [
                PendingEvent(event, self.ids(stream, n))
                for n, event in enumerate(aggregate.pending, start=first)
            ]
            self._saved[stream] = first + len(pending)
            appends.append(Append(stream, aggregate.version, pending))
        stored = await self.uow.append_many(
            appends,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            actor=self.actor,
        )
        kept = []
        for aggregate in aggregates:
            every, before = aggregate.snapshot_every, aggregate.version
            aggregate.saved()
            if every and aggregate.version // every > before // every:
                kept.append(
                    Snapshot(
                        aggregate.stream_id,
                        aggregate.version,
                        aggregate.snapshot_schema,
                        aggregate.snapshot(),
                    )
                )
        await self.uow.keep_snapshots(kept)
        return stored
