"""How identity's refusals read over HTTP (shared.problems): a blocked access with its reason
(art 7.6), an account rule refused, an account changed by a concurrent request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from services.identity.domain.accounts import AccountError
from shared.eventstore import WrongExpectedVersion
from shared.problems import Problem


def access_blocked(reason: str) -> Problem:
    """403 with why (failed_logins, suspected_fraud, ...): the portal says what to do."""
    return Problem(403, "access_blocked", "access blocked", block_reason=reason)


def account_changed() -> Problem:
    return Problem(409, "concurrent_change", "the account changed meanwhile; try again")


@contextmanager
def account_refusals() -> Iterator[None]:
    """An account's rule refusing the change, or another request changing it first: 409."""
    try:
        yield
    except AccountError as refusal:
        raise Problem(409, "refused", str(refusal)) from None
    except WrongExpectedVersion:
        raise account_changed() from None
