"""What travels on the wire around every event and command."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


def new_id() -> str:
    return str(uuid.uuid4())


class EventEnvelope(BaseModel):
    """One stored and published event: the facts about it, and its payload as recorded."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    type: str
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    stream_id: str
    stream_version: int = Field(ge=1)
    correlation_id: str
    causation_id: str | None = None
    producer: str
    payload: dict[str, Any]


class CommandEnvelope(BaseModel):
    """A command sent to `<service>.commands`; its outcome goes to `reply_to`."""

    model_config = ConfigDict(frozen=True)

    command_id: str = Field(default_factory=new_id)
    type: str
    payload: dict[str, Any]
    issued_at: AwareDatetime
    issued_by: str
    correlation_id: str = Field(default_factory=new_id)
    reply_to: str | None = None


class CommandOutcome(BaseModel):
    """What became of a command: the events it produced, or why it was rejected."""

    model_config = ConfigDict(frozen=True)

    command_id: str
    correlation_id: str
    status: Literal["accepted", "rejected"]
    events: list[dict[str, Any]] = []
    reason: str | None = None
