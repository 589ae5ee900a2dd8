"""Reading an account from its stream, and recording what happened to it with who did it and
how they proved it (ID-9)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from services.identity.domain.accounts import Account, stream_id
from services.identity.refresh import revoke_refresh_tokens
from shared.contracts import Actor, Event, events, new_id
from shared.contracts.identity import AccessTokensRevoked
from shared.eventstore import PendingEvent, UnitOfWork


async def load_account(uow: UnitOfWork, account_id: str) -> Account:
    history = await uow.read_stream(stream_id(account_id))
    return Account.from_history(account_id, [events.decode(e) for e in history])


async def record(
    uow: UnitOfWork,
    account_id: str,
    expected_version: int | None,
    new_events: Sequence[Event],
    actor: Actor | None,
) -> None:
    pending = [PendingEvent(event, str(uuid.uuid4())) for event in new_events]
    await uow.append(
        stream_id(account_id), expected_version, pending, correlation_id=new_id(), actor=actor
    )
    await end_revoked_sessions(uow, account_id, new_events)


async def end_revoked_sessions(
    uow: UnitOfWork, account_id: str, new_events: Sequence[Event]
) -> None:
    """Refresh tokens live in identity's own table, not in events: whatever records a
    revocation ends them in the same transaction, or a refresh would outlive it."""
    if any(isinstance(event, AccessTokensRevoked) for event in new_events):
        await revoke_refresh_tokens(uow, account_id)
