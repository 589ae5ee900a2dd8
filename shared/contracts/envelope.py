"""What travels on the wire around every event and command."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

# What every record's value is (faststream's default for bytes is an empty content type).
CONTENT_TYPE = "application/json"


def new_id() -> str:
    return str(uuid.uuid4())


Role = Literal["member", "complaints_handler", "mediator", "member_services", "admin"]


class Actor(BaseModel):
    """Who did something and how they proved it (ID-9): kept on every event a person caused
    and in the command log, so each operation stays attributable."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    role: Role
    # RFC 8176 authentication method: pwd, pin, eid, itsme, csam, email_code, sms_code.
    authenticated_by: str


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
    # None for what the system did by itself (a timer, a consequence of another event).
    actor: Actor | None = None
    payload: dict[str, Any]


class SealedFor(BaseModel):
    """Which of the service's command keys a sealed payload is for
    (shared.privacy.command_sealing): the key's epoch, and the sender's ephemeral X25519
    public key (raw, base64)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    epoch: str = Field(max_length=10)
    ephemeral_key: str = Field(max_length=64)


class CommandEnvelope(BaseModel):
    """A command sent to `<service>.commands`; its outcome goes to `<service>.outcomes`, keyed
    by the command id. Who sends it is
    proved by the access token identity issued them, never by a name the sender declares.
    On Kafka the payload is sealed for the service (`{"$sealed": …}`, and `sealed_for` names
    the key: shared.privacy.command_sealing); in-process (an HTTP route) it is in clear."""

    model_config = ConfigDict(frozen=True)

    command_id: str = Field(default_factory=new_id)
    type: str
    payload: dict[str, Any]
    issued_at: AwareDatetime
    access_token: str | None = Field(None, repr=False)
    # The sender's proof that this command is theirs (shared.access.proof).
    proof: str | None = Field(None, repr=False)
    correlation_id: str = Field(default_factory=new_id)
    sealed_for: SealedFor | None = None


class CommandOutcome(BaseModel):
    """What became of a command: the events it produced, or why it was rejected."""

    model_config = ConfigDict(frozen=True)

    command_id: str
    correlation_id: str
    status: Literal["accepted", "rejected"]
    # As stored, but without the ciphertext: each sealed field holds `{"$sealed": category}`,
    # what a reader without its key sees (shared.privacy.envelopes.withheld).
    events: list[EventEnvelope] = []
    reason: str | None = None
