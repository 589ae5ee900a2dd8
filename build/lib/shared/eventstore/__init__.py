"""The event store: streams with optimistic concurrency, a global order, timers, an outbox."""

from shared.eventstore.database import Database, connect
from shared.eventstore.store import (
    DuplicateEvent,
    EventStore,
    PendingEvent,
    Position,
    RecordedEvent,
    WrongExpectedVersion,
)
from shared.eventstore.unit_of_work import Timer, UnitOfWork, load_checkpoint, unit_of_work

__all__ = [
    "Database",
    "DuplicateEvent",
    "EventStore",
    "PendingEvent",
    "Position",
    "RecordedEvent",
    "Timer",
    "UnitOfWork",
    "WrongExpectedVersion",
    "connect",
    "load_checkpoint",
    "unit_of_work",
]
