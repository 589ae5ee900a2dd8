"""A portal account: who may log in, how many wrong passwords in a row, whether access is
blocked and why. Pure decisions from the account's history; no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.identity.domain.roles import at_or_above
from shared.contracts import Actor, Event
from shared.contracts.identity import (
    AccessBlocked,
    AccessTokensRevoked,
    AccessUnblocked,
    ActivationCodeIssued,
    AppDeviceRegistered,
    AppDeviceRevoked,
    BlockReason,
    LoginFailed,
    LoginSucceeded,
    PasswordChanged,
    PortalAccountClosed,
    PortalAccountRegistered,
    RevocationReason,
    Role,
)
from shared.refusal import Refused

# Seed 000 art 6.2: access is blocked after 8 consecutive wrong passwords (ID-4).
MAX_CONSECUTIVE_FAILURES = 8


class AccountError(Refused):
    """A decision the account refuses; the reason is safe to show to staff."""


class AccessRefused(Exception):
    """The password was right but access is blocked; the user may be told why (art 7.6)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Account:
    account_id: str
    version: int = 0
    login: str | None = None
    role: Role | None = None
    consecutive_failures: int = 0
    blocked_reason: BlockReason | None = None
    closed: bool = False

    @classmethod
    def from_history(cls, account_id: str, history: Iterable[Event]) -> Account:
        account = cls(account_id)
        for event in history:
            account._apply(event)
        return account

    @property
    def exists(self) -> bool:
        return self.version > 0

    def register(self, login: str, role: Role) -> list[Event]:
        if self.exists:
            raise AccountError(f"account {self.account_id!r} already exists")
        return [PortalAccountRegistered(account_id=self.account_id, login=login, role=role)]

    def log_in(self, password_ok: bool) -> list[Event]:
        """The events of one login attempt. Raises AccessRefused for a blocked account whose
        password was right; a wrong password on a blocked account changes nothing. A closed
        account answers as an unknown one."""
        if self.closed:
            return []
        if self.blocked_reason:
            if password_ok:
                raise AccessRefused(self.blocked_reason)
            return []
        if password_ok:
            return [LoginSucceeded(account_id=self.account_id)]
        failures = self.consecutive_failures + 1
        failed = LoginFailed(account_id=self.account_id, consecutive_failures=failures)
        if failures < MAX_CONSECUTIVE_FAILURES:
            return [failed]
        blocked = AccessBlocked(
            account_id=self.account_id, reason="failed_logins", blocked_by="identity"
        )
        return [failed, blocked, self._revoked("access_blocked")]

    def block(self, reason: BlockReason, by: Actor) -> list[Event]:
        self._must_exist()
        self._authorise(by)
        if self.blocked_reason == reason:
            return []
        blocked = AccessBlocked(account_id=self.account_id, reason=reason, blocked_by=by.account_id)
        return [blocked, self._revoked("access_blocked")]

    def unblock(self, by: Actor) -> list[Event]:
        self._must_exist()
        self._authorise(by)
        if not self.blocked_reason:
            raise AccountError(f"access of account {self.account_id!r} is not blocked")
        return [AccessUnblocked(account_id=self.account_id, unblocked_by=by.account_id)]

    def close(self, by: Actor) -> list[Event]:
        self._must_exist()
        self._authorise(by)
        closed = PortalAccountClosed(account_id=self.account_id, closed_by=by.account_id)
        return [closed, self._revoked("account_closed")]

    def issue_activation_code(self, by: Actor) -> list[Event]:
        """A code to set the password with, for a new account or a forgotten password."""
        self._must_exist()
        if by.role == "member":
            raise AccountError("a member sets a password by logging in with a digital key")
        self._authorise(by)
        return [ActivationCodeIssued(account_id=self.account_id)]

    def change_password(self) -> list[Event]:
        self._must_exist()
        return [PasswordChanged(account_id=self.account_id), self._revoked("password_changed")]

    @property
    def usable(self) -> bool:
        """Someone can log in to it and act: it exists, is open and is not blocked."""
        return self.exists and not self.closed and not self.blocked_reason

    def register_device(self, device_id: str) -> list[Event]:
        self._must_exist()
        return [AppDeviceRegistered(account_id=self.account_id, device_id=device_id)]

    def revoke_device(self, device_id: str) -> list[Event]:
        return [
            AppDeviceRevoked(account_id=self.account_id, device_id=device_id, reason="failed_pins")
        ]

    def _authorise(self, by: Actor) -> None:
        """A member acts on their own account only; staff on accounts of a lower or equal role."""
        if by.role == "member":
            if by.account_id != self.account_id:
                raise AccountError("a member acts only on their own account")
        elif not at_or_above(by.role, self.role):
            raise AccountError(f"role {by.role} may not act on an account of role {self.role}")

    def _revoked(self, reason: RevocationReason) -> AccessTokensRevoked:
        return AccessTokensRevoked(account_id=self.account_id, reason=reason)

    def _must_exist(self) -> None:
        if not self.exists:
            raise AccountError(f"no account {self.account_id!r}")
        if self.closed:
            raise AccountError(f"account {self.account_id!r} is closed")

    def _apply(self, event: Event) -> None:
        self.version += 1
        match event:
            case PortalAccountRegistered(login=login, role=role):
                self.login, self.role = login, role
            case LoginSucceeded():
                self.consecutive_failures = 0
            case LoginFailed(consecutive_failures=n):
                self.consecutive_failures = n
            case AccessBlocked(reason=reason):
                self.blocked_reason = reason
            case AccessUnblocked():
                self.blocked_reason, self.consecutive_failures = None, 0
            case PortalAccountClosed():
                self.closed = True


def stream_id(account_id: str) -> str:
    return f"account-{account_id}"
