"""Integration contracts: the envelope, versioned event and command models, upcasting."""

from shared.contracts.envelope import (
    Actor,
    CommandEnvelope,
    CommandOutcome,
    EventEnvelope,
    Role,
    new_id,
)
from shared.contracts.registry import Command, Event, UnknownMessageType, commands, events

__all__ = [
    "Actor",
    "Command",
    "CommandEnvelope",
    "CommandOutcome",
    "Event",
    "EventEnvelope",
    "Role",
    "UnknownMessageType",
    "commands",
    "events",
    "new_id",
]

# Importing the contracts registers the whole catalogue.
from shared.contracts import (  # noqa: F401
    access,
    care,
    complaints,
    dossier,
    einvoicing,
    hospital,
    identity,
    insurance,
    payments,
    privacy,
    youth_savings,
)
