"""The one shape of an aggregate: the state one stream's events made, which decides what may
happen next. It imports nothing but the contracts, so a service's domain layer builds on it.

A subclass is a dataclass whose first fields are its key (`booklet_id`), says where its events
are (`stream`), how each event changes it (`apply`, which checks nothing: history is fact), and
decides in methods that check the rules and then `record` the events. The repository
(shared.eventstore.repository) rebuilds it and saves what it recorded, expecting the stream to
be as long as it was when loaded: a concurrent change is a conflict, not a lost update."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, ClassVar, Self

from pydantic import TypeAdapter

from shared.contracts import Event


@dataclass
class Aggregate:
    # The events of its stream it was rebuilt from (and saved since): the expected version.
    version: int = field(default=0, kw_only=True)
    # Recorded by decisions, not yet saved.
    pending: list[Event] = field(default_factory=list, kw_only=True, repr=False, compare=False)
    stream_id: str = field(default="", kw_only=True)
    # True for an aggregate whose whole state is how many events its stream holds (a register
    # issuing numbers in sequence): the repository then reads the stream's length, not its
    # history, which grows with every number issued.
    length_is_state: ClassVar[bool] = False
    # An aggregate whose streams grow long (a household's year of co-payments, counted batch
    # after batch) has the repository keep its state every `snapshot_every` events (0: never)
    # and reads only the events after; `snapshot_schema` changes with the state's shape, which
    # makes older snapshots ignored. Only for an aggregate whose state holds no sealed field:
    # erasure shreds keys, and a snapshot has none to shred.
    snapshot_every: ClassVar[int] = 0
    snapshot_schema: ClassVar[int] = 1
    # When the event being applied happened (its envelope's time, or the time a decision gives
    # `record`), for the rare rule that depends on when a fact was recorded, not only on what
    # it says (ID-7: a refusal within a month). Not state.
    happened_at: datetime | None = field(default=None, kw_only=True, repr=False, compare=False)

    @classmethod
    def stream(cls, *key: str) -> str:
        """The id of the stream holding the events of the aggregate with this key."""
        raise NotImplementedError

    @classmethod
    def rebuild(cls, *key: str, history: Iterable[Event | tuple[Event, datetime]] = ()) -> Self:
        """The aggregate as its history left it (events, or events with when each happened,
        as the repository gives them); with none, as it is before its first event."""
        return cls(*key, stream_id=cls.stream(*key)).replay(history)

    def replay(self, history: Iterable[Event | tuple[Event, datetime]]) -> Self:
        """The aggregate after the events that followed its version (a snapshot's)."""
        for item in history:
            event, self.happened_at = item if isinstance(item, tuple) else (item, None)
            self.apply(event)
            self.version += 1
        self.happened_at = None
        return self

    def apply(self, event: Event) -> None:
        raise NotImplementedError

    def snapshot(self) -> dict[str, Any]:
        """Its state as JSON (`snapshot_every`): its fields but the repository's."""
        return _shape(type(self)).dump_python(self, mode="json", exclude=_REPOSITORY_FIELDS)

    @classmethod
    def from_snapshot(cls, *key: str, state: dict[str, Any], version: int) -> Self:
        """The aggregate with this key as `snapshot` kept it at `version` of its stream."""
        aggregate = _shape(cls).validate_python(state)
        aggregate.version, aggregate.stream_id = version, cls.stream(*key)
        return aggregate

    def record(self, *events: Event, at: datetime | None = None) -> None:
        """Takes decided events (happening `at`): the state follows at once, the store once
        saved."""
        self.happened_at = at
        for event in events:
            self.apply(event)
            self.pending.append(event)
        self.happened_at = None

    @property
    def is_new(self) -> bool:
        """No event stored or recorded yet: the aggregate does not exist."""
        return self.version == 0 and not self.pending

    def saved(self) -> None:
        """The repository stored the pending events."""
        self.version += len(self.pending)
        self.pending = []


_REPOSITORY_FIELDS = {"version", "pending", "stream_id", "happened_at"}


@cache
def _shape(kind: type[Aggregate]) -> TypeAdapter:
    return TypeAdapter(kind)
