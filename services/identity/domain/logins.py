"""When a login is refused, and when it blocks the account: who can lock whom out (ID-4,
issue 8 item 3). Pure decisions on an account's state; no I/O.

Seed 000 art 6.2 blocks a member's access to e-Mut (the members' portal) after 8 wrong
passwords in a row, and anyone who knows her national register number can type them. So:
- a member blocked for wrong passwords lifts the block herself by logging in with a digital key
  (eID, itsme, CSAM): whoever typed the passwords proved nothing, she proves who she is. A PIN
  does not lift it, and no login lifts a block by staff (ID-5);
- staff accounts (every role but member) are not blocked by wrong passwords at all: the seed's
  rule is the members' portal's, and the back office is protected instead by a second factor
  (second_factors.py) and, like every login, by the rate limits in front of the password check
  (services/identity/throttling.py). Wrong staff passwords are still recorded (`LoginFailed`),
  and 8 of them lock nobody out, `admin` included;
- a staff login without a code is asked for one whatever the password, so the question is no
  way to test passwords; it counts for nothing;
- a staff login with the right password but a wrong (or replayed) code shows that someone who
  is not the holder may know the password: 8 in a row block the account for `system_security`
  (art 6.2). Only who knows the password can cause that block; an administrator lifts it (the
  last usable one the operator recovers, the bootstrap), and a new activation code replaces the
  password and the authenticator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.identity.domain.devices import DIGITAL_KEYS
from services.identity.domain.second_factors import MAX_SECOND_FACTOR_FAILURES, SecondFactorRequired
from shared.contracts import Event
from shared.contracts.identity import (
    AccessBlocked,
    AccessTokensRevoked,
    AccessUnblocked,
    BlockReason,
    LoginFailed,
    LoginSucceeded,
    SecondFactorFailed,
)

if TYPE_CHECKING:
    from services.identity.domain.accounts import Account

# Seed 000 art 6.2: access is blocked after 8 consecutive wrong passwords (ID-4).
MAX_CONSECUTIVE_FAILURES = 8


class AccessRefused(Exception):
    """The password was right but access is blocked; the user may be told why (art 7.6)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def password_login(
    account: Account, password_ok: bool, second_factor_ok: bool | None
) -> list[Event]:
    """The events of one password login. Raises SecondFactorRequired for staff without a code
    (or with no authenticator set up), AccessRefused for a blocked account whose password (and
    code) were right; a wrong one on a blocked account changes nothing. A closed account
    answers as an unknown one."""
    if account.closed:
        return []
    if account.needs_second_factor and (second_factor_ok is None or not account.second_factor):
        raise SecondFactorRequired()
    if account.blocked_reason:
        if password_ok and second_factor_ok is not False:
            raise AccessRefused(account.blocked_reason)
        return []
    if not password_ok:
        return _wrong_password(account)
    if second_factor_ok is False:
        return _wrong_second_factor(account)
    return [LoginSucceeded(account_id=account.account_id)]


def proved_login(account: Account, method: str) -> list[Event]:
    """The events of a login proved without the password, by `method` (RFC 8176)."""
    if account.blocked_reason == "failed_logins" and _proves_a_member(account, method):
        unblocked = AccessUnblocked(account_id=account.account_id, unblocked_by=account.account_id)
        return [unblocked, LoginSucceeded(account_id=account.account_id)]
    if account.blocked_reason:
        raise AccessRefused(account.blocked_reason)
    return [LoginSucceeded(account_id=account.account_id)]


def _proves_a_member(account: Account, method: str) -> bool:
    return account.role == "member" and method in DIGITAL_KEYS


def _wrong_password(account: Account) -> list[Event]:
    failures = account.consecutive_failures + 1
    failed = LoginFailed(account_id=account.account_id, consecutive_failures=failures)
    if failures < MAX_CONSECUTIVE_FAILURES or account.needs_second_factor:
        return [failed]
    return [failed, *_blocked(account, "failed_logins")]


def _wrong_second_factor(account: Account) -> list[Event]:
    failures = account.second_factor_failures + 1
    failed = SecondFactorFailed(account_id=account.account_id, consecutive_failures=failures)
    if failures < MAX_SECOND_FACTOR_FAILURES:
        return [failed]
    return [failed, *_blocked(account, "system_security")]


def _blocked(account: Account, reason: BlockReason) -> list[Event]:
    """Blocked by identity itself; the block ends every session of the account (even the last
    usable administrator's: a lockout must hold, and the operator recovers it)."""
    blocked = AccessBlocked(account_id=account.account_id, reason=reason, blocked_by="identity")
    return [blocked, AccessTokensRevoked(account_id=account.account_id, reason="access_blocked")]
