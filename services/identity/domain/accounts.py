"""A portal account: who may log in, how many wrong passwords in a row, whether access is
blocked and why. Pure decisions from the account's history; no I/O: the handlers and routes
load and save it through a repository (shared.aggregate). When a login is refused, and when it
blocks the account (who can lock whom out): logins.py."""

from __future__ import annotations

from dataclasses import dataclass

from services.identity.domain.logins import (  # the limit and refusal, for the account's users
    MAX_CONSECUTIVE_FAILURES,  # noqa: F401
    AccessRefused,  # noqa: F401
    password_login,
    proved_login,
)
from services.identity.domain.roles import at_or_above
from services.identity.domain.second_factors import needs_second_factor
from shared.aggregate import Aggregate
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
    TermsAccepted,
)
from shared.refusal import Refused


class AccountError(Refused):
    """A decision the account refuses; the reason is safe to show to staff."""


@dataclass
class Account(Aggregate):
    account_id: str
    login: str | None = None
    role: Role | None = None
    consecutive_failures: int = 0
    second_factor_failures: int = 0  # right password, wrong code, in a row
    second_factor: bool = False  # enrolled
    blocked_reason: BlockReason | None = None
    closed: bool = False

    @classmethod
    def stream(cls, account_id: str) -> str:
        return f"account-{account_id}"

    def register(
        self,
        login: str,
        role: Role,
        *,
        verified_by: str | None = None,
        person_id: str | None = None,
    ) -> None:
        """A member registering says how they proved who they are, and who they are (ID-1)."""
        if not self.is_new:
            raise AccountError(f"account {self.account_id!r} already exists")
        self.record(
            PortalAccountRegistered(
                account_id=self.account_id,
                login=login,
                role=role,
                verified_by=verified_by,
                person_id=person_id,
            )
        )

    def accept_terms(self, terms_version: str) -> None:
        """The portal's terms of that version, accepted now (ID-2)."""
        self._must_exist()
        self.record(TermsAccepted(account_id=self.account_id, terms_version=terms_version))

    def log_in(self, password_ok: bool, second_factor_ok: bool | None = None) -> None:
        """One password login; `second_factor_ok` is None when no code was given. Raises
        SecondFactorRequired or AccessRefused (logins.py)."""
        self.record(*password_login(self, password_ok, second_factor_ok))

    def log_in_proved(self, method: str) -> None:
        """A login proved without the password (a digital key, the app's PIN)."""
        self._must_exist()
        self.record(*proved_login(self, method))

    def enrol_second_factor(self) -> None:
        """A new authenticator for a staff account (members prove themselves with a digital key)."""
        self._must_exist()
        if not self.needs_second_factor:
            raise AccountError("a member logs in with a digital key, not an authenticator app")
        self.record(SecondFactorEnrolled(account_id=self.account_id))

    @property
    def needs_second_factor(self) -> bool:
        return needs_second_factor(self.role)

    def block(
        self, reason: BlockReason, by: Actor, other_usable_administrators: int | None = None
    ) -> None:
        """`other_usable_administrators`: how many besides this one, counted for an
        administrator's account (see leave_an_administrator)."""
        self._must_exist()
        self._authorise(by)
        if self.blocked_reason == reason:
            return
        leave_an_administrator(self, other_usable_administrators)
        self.record(
            AccessBlocked(account_id=self.account_id, reason=reason, blocked_by=by.account_id),
            revoked(self.account_id, "access_blocked"),
        )

    def unblock(self, by: Actor) -> None:
        self._must_exist()
        self._authorise(by)
        if not self.blocked_reason:
            raise AccountError(f"access of account {self.account_id!r} is not blocked")
        self.record(AccessUnblocked(account_id=self.account_id, unblocked_by=by.account_id))

    def close(self, by: Actor, other_usable_administrators: int | None = None) -> None:
        self._must_exist()
        self._authorise(by)
        leave_an_administrator(self, other_usable_administrators)
        self.record(
            PortalAccountClosed(account_id=self.account_id, closed_by=by.account_id),
            revoked(self.account_id, "account_closed"),
        )

    def close_for_erasure(self, erased_by: str) -> None:
        """The member was erased (DOS-12): nobody is left to log in as. Not the member's or an
        administrator's decision, so nothing is authorised or refused; closed already, it
        stays closed."""
        if self.is_new or self.closed:
            return
        self.record(
            PortalAccountClosed(account_id=self.account_id, closed_by=erased_by),
            revoked(self.account_id, "account_closed"),
        )

    def issue_activation_code(self, by: Actor) -> None:
        """A code to set the password with, for a new account or a forgotten password."""
        self._must_exist()
        if by.role == "member":
            raise AccountError("a member sets a password by logging in with a digital key")
        self._authorise(by)
        self.record(ActivationCodeIssued(account_id=self.account_id))

    def change_password(self) -> None:
        self._must_exist()
        self.record(
            PasswordChanged(account_id=self.account_id),
            revoked(self.account_id, "password_changed"),
        )

    @property
    def usable(self) -> bool:
        """Someone can log in to it and act: it exists, is open and is not blocked."""
        return not self.is_new and not self.closed and not self.blocked_reason

    def register_device(self, device_id: str) -> None:
        self._must_exist()
        self.record(AppDeviceRegistered(account_id=self.account_id, device_id=device_id))

    def revoke_device(self, device_id: str) -> None:
        self.record(
            AppDeviceRevoked(account_id=self.account_id, device_id=device_id, reason="failed_pins")
        )

    @property
    def revokes_tokens(self) -> bool:
        """What it recorded voids its tokens: whoever saves it ends its refresh tokens too."""
        return any(isinstance(event, AccessTokensRevoked) for event in self.pending)

    def _authorise(self, by: Actor) -> None:
        """A member acts on their own account only; staff on accounts of a lower or equal role."""
        if by.role == "member":
            if by.account_id != self.account_id:
                raise AccountError("a member acts only on their own account")
        elif not at_or_above(by.role, self.role):
            raise AccountError(f"role {by.role} may not act on an account of role {self.role}")

    def _must_exist(self) -> None:
        if self.is_new:
            raise AccountError(f"no account {self.account_id!r}")
        if self.closed:
            raise AccountError(f"account {self.account_id!r} is closed")

    def apply(self, event: Event) -> None:
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


def leave_an_administrator(account: Account, other_usable_administrators: int | None) -> None:
    """Refuses to take the last usable administrator out of use: nobody could then unblock or
    register anyone, and only the operator's recovery would help (domain/administrators.py).
    Decided with the block or the closing, after who may act on the account: the count is the
    caller's (identity's list of administrators); not counted (None), an administrator stays."""
    if account.role == "admin" and account.usable and not other_usable_administrators:
        raise AccountError("the last usable administrator cannot be blocked or closed")


def revoked(account_id: str, reason: RevocationReason) -> AccessTokensRevoked:
    return AccessTokensRevoked(account_id=account_id, reason=reason)
