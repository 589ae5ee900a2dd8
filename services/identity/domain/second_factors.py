"""The second factor of staff logins (issue 8 item 3): every role but member gives, besides the
password, the 6-digit code of an authenticator app (TOTP, RFC 6238) set up when the account was
activated. Members prove themselves with a digital key instead (ID-3).

A code is accepted within one 30-second step of the service's clock either way (the holder's
phone and the server drift apart a little), and each step's code once only (RFC 6238 §5.2): a
code seen over a shoulder or in a proxy's log opens nothing more."""

from __future__ import annotations

from shared.contracts import Role

# Right passwords with wrong codes in a row before the account is blocked (accounts.py).
MAX_SECOND_FACTOR_FAILURES = 8
CODE_PATTERN = r"^[0-9]{6}$"
VALID_STEPS = 1  # accepted steps before and after the current one


class SecondFactorRequired(Exception):
    """A staff login without the authenticator's code (or whose account has none set up)."""

    reason = "totp_required"
    message = (
        "a staff login needs the 6-digit code of the authenticator app set up at activation "
        "(none set up: ask an administrator for a new activation code)"
    )


def needs_second_factor(role: Role | None) -> bool:
    return role is not None and role != "member"
