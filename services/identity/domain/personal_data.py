"""Identity's part of a person's copy (DOS-12): their portal account as its events tell it
(login, role, when and how it was registered, the terms accepted, blocks, the latest logins,
password changes, app devices by id, closing) and the access decisions about them (ID-7): the
holder of their booklet's access to their file with the mandates and refusals they gave, and
their own access, as holder, to the other persons of their booklet (those persons by id only).

Never a password hash, TOTP secret, PIN hash or token: those live in identity's own tables,
which this does not read, and no event carries them. Pure: opened histories in, JSON out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.contracts import EventEnvelope, events
from shared.contracts.access import (
    AccessGranted,
    AccessMandateGiven,
    AccessMandateWithdrawn,
    AccessRevoked,
    HolderAccessRefused,
)
from shared.contracts.identity import (
    AccessBlocked,
    AccessTokensRevoked,
    AccessUnblocked,
    ActivationCodeIssued,
    AppDeviceRegistered,
    AppDeviceRevoked,
    LoginFailed,
    LoginSucceeded,
    PasswordChanged,
    PortalAccountClosed,
    PortalAccountRegistered,
    SecondFactorEnrolled,
    SecondFactorFailed,
    TermsAccepted,
)

# The logins shown, the latest (the events keep them all).
LAST_LOGINS = 20


def part(
    accounts: Sequence[dict[str, Any]],
    holder_access: dict[str, Any] | None,
    access_to_others: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The part: empty when identity holds nothing of the person."""
    found = {
        "portal_accounts": list(accounts),
        "holder_access_to_your_file": holder_access,
        "your_access_to_others": list(access_to_others),
    }
    return {name: value for name, value in found.items() if value}


def account(history: Sequence[EventEnvelope]) -> dict[str, Any]:
    """A portal account from its stream's events."""
    shown: dict[str, Any] = {
        "account_id": None,
        "login": None,
        "role": None,
        "registered_at": None,
        "verified_by": None,
        "terms_accepted": [],
        "blocks": [],
        "logins": [],
        "passwords_changed_at": [],
        "activation_codes_issued_at": [],
        "second_factor_enrolled_at": [],
        "sessions_ended": [],
        "devices": [],
        "closed_at": None,
    }
    devices: dict[str, dict[str, Any]] = {}
    for envelope in history:
        event, at = events.decode(envelope), envelope.occurred_at.isoformat()
        match event:
            case PortalAccountRegistered():
                shown |= {
                    "account_id": event.account_id,
                    "login": str(event.login),  # "erased" once the account's key is shredded
                    "role": event.role,
                    "registered_at": at,
                    "verified_by": event.verified_by,
                }
            case TermsAccepted(terms_version=version):
                shown["terms_accepted"].append({"version": version, "at": at})
            case LoginSucceeded():
                # A login proved otherwise than by password is recorded as the account's own.
                method = envelope.actor.authenticated_by if envelope.actor else "pwd"
                shown["logins"].append({"at": at, "outcome": "succeeded", "method": method})
            case LoginFailed():
                shown["logins"].append({"at": at, "outcome": "wrong_password"})
            case SecondFactorFailed():
                shown["logins"].append({"at": at, "outcome": "wrong_second_factor"})
            case AccessBlocked(reason=reason):
                shown["blocks"].append({"reason": reason, "blocked_at": at, "unblocked_at": None})
            case AccessUnblocked():
                for block in shown["blocks"]:
                    block["unblocked_at"] = block["unblocked_at"] or at
            case PasswordChanged():
                shown["passwords_changed_at"].append(at)
            case ActivationCodeIssued():
                shown["activation_codes_issued_at"].append(at)
            case SecondFactorEnrolled():
                shown["second_factor_enrolled_at"].append(at)
            case AccessTokensRevoked(reason=reason):
                shown["sessions_ended"].append({"at": at, "reason": reason})
            case AppDeviceRegistered(device_id=device_id):
                devices[device_id] = {"device_id": device_id, "registered_at": at}
            case AppDeviceRevoked(device_id=device_id, reason=reason):
                devices.setdefault(device_id, {"device_id": device_id})
                devices[device_id] |= {"revoked_at": at, "revoked_because": reason}
            case PortalAccountClosed():
                shown["closed_at"] = at
    shown["logins"] = shown["logins"][-LAST_LOGINS:]
    shown["devices"] = list(devices.values())
    return shown


def holder_access(holder: str, history: Sequence[EventEnvelope]) -> dict[str, Any] | None:
    """The access of the holder of the person's booklet to the person's file: what the person
    said (mandates, refusals) and identity's decisions with their reasons. None when nothing
    was ever decided or said."""
    if not history:
        return None
    said, allowed, mandate = [], False, False
    for envelope in history:
        event, at = events.decode(envelope), envelope.occurred_at.isoformat()
        match event:
            case AccessGranted(why=why) | AccessRevoked(why=why):
                allowed = isinstance(event, AccessGranted)
                said.append({"at": at, "what": _DECISIONS[type(event)], "why": why})
            case AccessMandateGiven() | AccessMandateWithdrawn():
                mandate = isinstance(event, AccessMandateGiven)
                said.append({"at": at, "what": _SAID[type(event)]})
            case HolderAccessRefused():
                said.append({"at": at, "what": _SAID[type(event)]})
    return {"holder": holder, "allowed": allowed, "mandate": mandate, "history": said}


def access_to(person: str, history: Sequence[EventEnvelope]) -> dict[str, Any] | None:
    """The person's own access, as holder, to another person of their booklet: whether and
    since when, by the other's id only; what the other said and the reasons (their age, their
    refusal) are the other's data. None when nothing was ever decided."""
    decided = [
        {"at": envelope.occurred_at.isoformat(), "what": _DECISIONS[type(event)]}
        for envelope in history
        if type(event := events.decode(envelope)) in _DECISIONS
    ]
    if not decided:
        return None
    return {"person_id": person, "allowed": decided[-1]["what"] == "granted", "history": decided}


_DECISIONS = {AccessGranted: "granted", AccessRevoked: "revoked"}
_SAID = {
    AccessMandateGiven: "mandate_given",
    AccessMandateWithdrawn: "mandate_withdrawn",
    HolderAccessRefused: "refused",
}
