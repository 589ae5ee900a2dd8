"""Recording what happened to an account, with who did it and how they proved it (ID-9)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from services.identity.domain.accounts import stream_id
from shared.contracts import Actor, Event, new_id
from shared.eventstore import PendingEvent, UnitOfWork


async def record(
    uow: UnitOfWork,
    account_id: str,
    expected_version: int | None,
    events: Sequence[Event],
    actor: Actor | None,
) -> None:
    pending = [PendingEvent(event, str(uuid.uuid4())) for event in events]
    await uow.append(
        stream_id(account_id), expected_version, pending, correlation_id=new_id(), actor=actor
    )
