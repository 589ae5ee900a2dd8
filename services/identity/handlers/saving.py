"""Saving an account, wherever it is done: refresh tokens live in identity's own table, not in
events, so whatever records a revocation ends them in the same transaction, or a refresh would
outlive it."""

from __future__ import annotations

from services.identity.adapters.refresh import RefreshTokens
from services.identity.domain.accounts import Account
from shared.eventstore.repository import Repository


async def save_accounts(aggregates: Repository, *accounts: Account) -> None:
    revoking = [account.account_id for account in accounts if account.revokes_tokens]
    await aggregates.save(*accounts)
    for account_id in revoking:
        await aggregates.uow.view(RefreshTokens).revoke_all(account_id)
