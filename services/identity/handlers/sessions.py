"""Opening a session for a person who proved who they are without their password (a digital
key, an app PIN): the login is recorded with how it was proved (ID-9), and the token says it
(`amr`), so a route can ask for a stronger proof (a PIN is set only after a digital key)."""

from __future__ import annotations

from services.identity.adapters.tokens import Tokens, issue_tokens
from services.identity.api.problems import access_blocked
from services.identity.domain.accounts import AccessRefused, Account
from services.identity.handlers.saving import save_accounts
from shared.contracts import Actor
from shared.keys import KeyEncryptionKey
from shared.messaging.commands import CommandContext
from shared.problems import Problem


async def open_session(
    ctx: CommandContext, account_id: str, method: str, kek: KeyEncryptionKey
) -> Tokens:
    """Tokens for the account; refused like a password login: 403 with the reason when
    access is blocked (art 7.6), 401 when the account is closed. A digital key lifts a
    member's block for wrong passwords (domain/logins.py): the unblock is recorded as hers,
    with the key she proved herself with."""
    account = await ctx.aggregates.get(Account, account_id)
    if account.closed:
        raise Problem(401, "account_closed", "this account is closed")
    try:
        account.log_in_proved(method)
    except AccessRefused as refusal:
        raise access_blocked(refusal.reason) from None
    # Who logged in is known once the account says its role.
    actor = Actor(account_id=account_id, role=account.role, authenticated_by=method)
    await save_accounts(ctx.acting_as(actor), account)
    return await issue_tokens(ctx.uow, account_id, account.role, method, kek=kek)
