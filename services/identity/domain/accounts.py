"""A portal account: who may log in, how many wrong passwords in a row, whether access is
blocked and why. Pure decisions from the account's history; no I/O. When a login is refused,
and when it blocks the account (who can lock whom out): logins.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.identity.domain.logins import (  # the limit and refusal, for the account's users
    MAX_CONSECUTIVE_FAILURES,  # noqa: F401
    AccessRefused,  # noqa: F401
    password_login,
    proved_login,
)
from services.identity.domain.roles import at_or_above
from services.identity.domain.second_factors import needs_second_factor
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
    SecondFactorEnrolled,
    SecondFactorFailed,
)
from shared.refusal import Refused


class AccountError(Refused):
    """A decision the account refuses; the reason is safe to show to staff."""


@dataclass
class Account:
    account_id: str
    version: int = 0
    login: str | None = None
    role: Role | None = None
    consecutive_failures: int = 0
    second_factor_failures: int = 0  # right password, wrong code, in a row
    second_factor: bool = False  # enrolled
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

    def log_in(self, password_ok: bool, second_factor_ok: bool | None = None) -> list[Event]:
        """The events of one password login; `second_factor_ok` is None when no code was
        given. Raises SecondFactorRequired or AccessRefused (logins.py)."""
        return password_login(self, password_ok, second_factor_ok)

    def log_in_proved(self, method: str) -> list[Event]:
        """The events of a login proved without the password (a digital key, the app's PIN)."""
        self._must_exist()
        return proved_login(self, method)

    def enrol_second_factor(self) -> list[Event]:
        """A new authenticator for a staff account (members prove themselves with a digital key)."""
        self._must_exist()
        if not self.needs_second_factor:
            raise AccountError("a member logs in with a digital key, not an authenticator app")
        return [SecondFactorEnrolled(account_id=self.account_id)]

    @property
    def needs_second_factor(self) -> bool:
        return needs_second_factor(self.role)

    def block(self, reason: BlockReason, by: Actor) -> list[Event]:
        self._must_exist()
        self._authorise(by)
        if self.blocked_reason == reason:
            return []
        blocked = AccessBlocked(account_id=self.account_id, reason=reason, blocked_by=by.account_id)
        return [blocked, revoked(self.account_id, "access_blocked")]

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
        return [closed, revoked(self.account_id, "account_closed")]

    def issue_activation_code(self, by: Actor) -> list[Event]:
        """A code to set the password with, for a new account or a forgotten password."""
        self._must_exist()
        if by.role == "member":
            raise AccountError("a member sets a password by logging in with a digital key")
        self._authorise(by)
        return [ActivationCodeIssued(account_id=self.account_id)]

    def change_password(self) -> list[Event]:
        self._must_exist()
        changed = PasswordChanged(account_id=self.account_id)
        return [changed, revoked(self.account_id, "password_changed")]

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
                self.consecutive_failures = self.second_factor_failures = 0
            case LoginFailed(consecutive_failures=n):
                self.consecutive_failures = n
            case SecondFactorFailed(consecutive_failures=n):
                self.second_factor_failures = n
            case SecondFactorEnrolled():
                self.second_factor, self.second_factor_failures = True, 0
            case AccessBlocked(reason=reason):
                self.blocked_reason = reason
            case AccessUnblocked():
                self.blocked_reason, self.consecutive_failures = None, 0
                self.second_factor_failures = 0
            case PortalAccountClosed():
                self.closed = True


def stream_id(account_id: str) -> str:
    return f"account-{account_id}"


def revoked(account_id: str, reason: RevocationReason) -> AccessTokensRevoked:
    return AccessTokensRevoked(account_id=account_id, reason=reason)
