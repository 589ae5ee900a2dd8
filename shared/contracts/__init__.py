"""Integration contracts: the envelope, versioned event and command models, upcasting."""

from shared.contracts.envelope import CommandEnvelope, CommandOutcome, EventEnvelope, new_id
from shared.contracts.registry import Command, Event, UnknownMessageType, commands, events

__all__ = [
    "Command",
    "CommandEnvelope",
    "CommandOutcome",
    "Event",
    "EventEnvelope",
    "UnknownMessageType",
    "commands",
    "events",
    "new_id",
]

# Importing the contracts registers the whole catalogue.
from shared.contracts import complaints, dossier, identity  # noqa: E402, F401
