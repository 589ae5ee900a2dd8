"""Opening a session for a person who proved who they are without their password (a digital
key, an app PIN): the login is recorded with how it was proved (ID-9), and the token says it
(`amr`), so a route can ask for a stronger proof (a PIN is set only after a digital key)."""

from __future__ import annotations

from services.identity.domain.accounts import AccessRefused
from services.identity.journal import load_account, record
from services.identity.tokens import Tokens, issue_tokens
from shared.contracts import Actor
from shared.eventstore import UnitOfWork


class SessionRefused(Exception):
    def __init__(self, status: int, detail: str | dict) -> None:
        super().__init__(str(detail))
        self.status, self.detail = status, detail


async def open_session(uow: UnitOfWork, account_id: str, method: str) -> Tokens:
    """Tokens for the account; refused like a password login: 403 with the reason when
    access is blocked (art 7.6), 401 when the account is closed. A digital key lifts a
    member's block for wrong passwords (domain/logins.py): the unblock is recorded as hers,
    with the key she proved herself with."""
    account = await load_account(uow, account_id)
    if account.closed:
        raise SessionRefused(401, "this account is closed")
    try:
        logged_in = account.log_in_proved(method)
    except AccessRefused as refusal:
        raise SessionRefused(403, {"message": "access blocked", "reason": refusal.reason})
    actor = Actor(account_id=account_id, role=account.role, authenticated_by=method)
    await record(uow, account_id, account.version, logged_in, actor)
    return await issue_tokens(uow, account_id, account.role, method)
