"""How identity loads and saves its aggregates outside a command: each HTTP request (and each
start of the service) is one piece of work, whose events get ids derived from a request id of
its own and carry who did it. Commands have theirs already (`CommandContext.aggregates`);
the routes will send commands through the bus in a later step, and need this no more.

Saving an account goes through `save_accounts` wherever it is done: refresh tokens live in
identity's own table, not in events, so whatever records a revocation ends them in the same
transaction, or a refresh would outlive it."""

from __future__ import annotations

from services.identity.adapters.refresh import RefreshTokens
from services.identity.domain.accounts import Account
from shared.contracts import Actor, new_id
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository, derived_ids


def request_aggregates(
    uow: UnitOfWork, *, actor: Actor | None = None, correlation_id: str | None = None
) -> Repository:
    """The repository of one request: `actor` is who its events say did it (None: identity
    itself, as for a password login or the operator's recovery); the correlation is the
    request's own unless it continues another piece of work."""
    request_id = new_id()
    return Repository(
        uow,
        ids=derived_ids(f"request:{request_id}"),
        correlation_id=correlation_id or request_id,
        actor=actor,
    )


async def save_accounts(aggregates: Repository, *accounts: Account) -> None:
    revoking = [account.account_id for account in accounts if account.revokes_tokens]
    await aggregates.save(*accounts)
    for account_id in revoking:
        await aggregates.uow.view(RefreshTokens).revoke_all(account_id)
