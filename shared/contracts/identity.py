"""Contracts of the identity service: portal accounts, logins, blocks, signing keys."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from shared.contracts.dossier import legacy_person_id
from shared.contracts.envelope import Role
from shared.contracts.registry import Command, Event, commands, events
from shared.privacy.marking import Personal

# Who may send the account commands; whose account each may act on is identity's decision
# (services/identity/domain/roles.py: staff act only on accounts of a lower or equal role).
STAFF_ADMINISTRATION = frozenset({"member_services", "admin"})

# Why identity voided every token of an account issued until then. Consumers validate it: a
# new reason is a new version of AccessTokensRevoked.
RevocationReason = Literal["password_changed", "access_blocked", "account_closed"]

# The reasons of seed 000 art 6.2 for which the fund suspends or ends access (ID-4, ID-5).
BlockReason = Literal[
    "failed_logins",
    "breach_of_obligations",
    "legal_or_court_order",
    "system_security",
    "maintenance",
    "reported_misuse",
    "suspected_fraud",
]


@commands.register
class RegisterPortalAccount(Command):
    """An administrator opens an account (staff, mostly: members register themselves with a
    digital key or a one-time code, ID-1). It carries no password: nothing secret travels on
    Kafka. The account is usable once its holder sets a password with the activation code an
    administrator gets from identity over HTTPS (`POST /accounts/{id}/activation-code`)."""

    type_name = "RegisterPortalAccount"
    allowed_roles = frozenset({"admin"})

    account_id: str = Field(min_length=1, max_length=64)
    login: str = Field(min_length=3, max_length=64)
    role: Role = "member"


@commands.register
class BlockAccess(Command):
    """Staff suspend a user's access for one of the reasons of art 6.2 (ID-5)."""

    type_name = "BlockAccess"
    allowed_roles = STAFF_ADMINISTRATION

    account_id: str
    reason: BlockReason


@commands.register
class UnblockAccess(Command):
    type_name = "UnblockAccess"
    allowed_roles = STAFF_ADMINISTRATION

    account_id: str


@commands.register
class CloseAccount(Command):
    """Either side ends the agreement (art 6.1); the user's letter reaches staff this way."""

    type_name = "CloseAccount"
    # A member closes only their own account (the handler checks).
    allowed_roles = STAFF_ADMINISTRATION | {"member"}

    account_id: str


@events.register
class PortalAccountClosed(Event):
    """The account is closed for good: no login, and every service refuses its tokens."""

    type_name = "PortalAccountClosed"

    account_id: str
    closed_by: str


@events.register
class PortalAccountRegistered(Event):
    """v2: the member is named by their person id; the login (a member's is often their
    national register number) is sealed under the account, so closing an erased person's
    account erases it."""

    type_name = "PortalAccountRegistered"
    version = 2

    account_id: str
    login: Annotated[str, Personal("identification", subject="account_id")]
    role: Role
    # How the person proved who they are: a digital key (eid, itsme, csam) or a one-time code
    # sent to the dossier's address (email_code, sms_code); None for staff.
    verified_by: str | None = None
    # The member's person id (the dossier's), for accounts a member registered (ID-1); None
    # for staff.
    person_id: str | None = None


@events.register
class TermsAccepted(Event):
    """Which version of the portal's terms the user accepted (ID-2); the time is the event's."""

    type_name = "TermsAccepted"

    account_id: str
    terms_version: str


@events.register
class LoginSucceeded(Event):
    type_name = "LoginSucceeded"

    account_id: str


@events.register
class LoginFailed(Event):
    type_name = "LoginFailed"

    account_id: str
    consecutive_failures: int = Field(ge=1)


@events.register
class SecondFactorFailed(Event):
    """A staff login gave the right password and a wrong (or replayed) code of the
    authenticator app: someone who is not the holder may know the password. Enough of these in
    a row block the account (services/identity/domain/accounts.py)."""

    type_name = "SecondFactorFailed"

    account_id: str
    consecutive_failures: int = Field(ge=1)


@events.register
class SecondFactorEnrolled(Event):
    """The account has a new second factor for its logins (staff: a TOTP authenticator app,
    RFC 6238); an earlier one stops working. The secret stays in identity's own tables and in
    the HTTPS answer that handed it to the holder (or the operator's setting, for `admin`)."""

    type_name = "SecondFactorEnrolled"

    account_id: str
    method: Literal["totp"] = "totp"


@events.register
class AccessBlocked(Event):
    """The user's access is suspended; every service refuses their tokens (ID-4, ID-5)."""

    type_name = "AccessBlocked"

    account_id: str
    reason: BlockReason
    blocked_by: str


@events.register
class AccessUnblocked(Event):
    """Access is back. `unblocked_by` is the member of staff, `operator` (identity's start-up),
    or the account itself: a member blocked for wrong passwords who logged in with a digital key
    (the envelope's actor says which key)."""

    type_name = "AccessUnblocked"

    account_id: str
    unblocked_by: str


@events.register
class SigningKeyPublished(Event):
    """A public key every service verifies identity's tokens with, learnt from this event
    instead of asking identity."""

    type_name = "SigningKeyPublished"

    key_id: str
    algorithm: Literal["EdDSA"]
    public_key_pem: str


@events.register
class ActivationCodeIssued(Event):
    """An administrator got a one-time code with which the account's holder sets a password
    (a new account's first, or a forgotten one's). The code itself never leaves identity's
    HTTPS answer to that administrator."""

    type_name = "ActivationCodeIssued"

    account_id: str


@events.register
class PasswordChanged(Event):
    """The user chose a new password (ID-8). The hash stays in identity's own tables."""

    type_name = "PasswordChanged"

    account_id: str


@events.register
class AppDeviceRegistered(Event):
    """After a login with a digital key the user set a PIN for the app on this device
    (ID-8, seed 000); the PIN's hash stays in identity's own tables."""

    type_name = "AppDeviceRegistered"

    account_id: str
    device_id: str


@events.register
class AppDeviceRevoked(Event):
    """The device's PIN no longer logs in; a new digital-key login may set one again."""

    type_name = "AppDeviceRevoked"

    account_id: str
    device_id: str
    reason: Literal["failed_pins"]


@events.register
class AccessTokensRevoked(Event):
    """Every token of the account issued until this event (its envelope's time) is void:
    identity revoked the account's refresh tokens, and every service refuses its access tokens
    whose `iat` is at or before that time, from its own access projection. An `iat` has whole
    seconds, so a token of the revocation's own second is refused too, even one issued just
    after it: a new login a second later works. Recorded with the password changed, a block
    (so that an unblock does not bring the old sessions back) and the account closed."""

    type_name = "AccessTokensRevoked"

    account_id: str
    reason: RevocationReason


@events.register
class AdministratorRecovered(Event):
    """No usable administrator was left (all blocked or closed), and the operator of identity's
    host restored one at start with IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: the `admin` login's
    account, unblocked, with that password (its earlier tokens void) — or, when that account
    was closed for good, a new account under the `admin` login, replacing it."""

    type_name = "AdministratorRecovered"

    account_id: str
    login: str
    method: Literal["bootstrap_admin_password"] = "bootstrap_admin_password"
    # The closed account whose `admin` login the new account took over, if any.
    replaces: str | None = None


@events.upcaster("PortalAccountRegistered", from_version=1)
def _person_id(payload: dict[str, Any]) -> dict[str, Any]:
    # v1 named the member by national register number, in clear.
    nrn = payload.pop("national_register_number", None)
    return {**payload, "person_id": legacy_person_id(nrn) if nrn else None}
