"""Someone must always be able to administer: the last usable administrator is never blocked
or closed by staff, and when none is usable all the same (blocked by wrong passwords, say) the
operator of identity's host recovers one at start (bootstrap.py). Pure decisions on accounts."""

from __future__ import annotations

from services.identity.domain.accounts import Account, AccountError
from shared.contracts import Event
from shared.contracts.identity import AccessUnblocked, AdministratorRecovered

ADMIN_LOGIN = "admin"


def leave_an_administrator(account: Account, other_usable_administrators: int) -> None:
    """Refuses to take the last usable administrator out of use: nobody could then unblock or
    register anyone, and only the operator's recovery would help."""
    if account.role == "admin" and account.usable and other_usable_administrators == 0:
        raise AccountError("the last usable administrator cannot be blocked or closed")


def recover(account: Account) -> list[Event]:
    """The `admin` account back in use: unblocked, with the password the operator set, so
    every token issued before is void."""
    if account.role != "admin" or account.closed:
        raise AccountError(f"account {account.account_id!r} is no open administrator's")
    recovered: list[Event] = [
        AdministratorRecovered(account_id=account.account_id, login=account.login)
    ]
    if account.blocked_reason:
        recovered.append(AccessUnblocked(account_id=account.account_id, unblocked_by="operator"))
    return recovered + account.change_password()


def replace(closed: Account, account_id: str) -> list[Event]:
    """A closed account stays closed for good: a new administrator takes over its login."""
    if closed.role != "admin" or not closed.closed:
        raise AccountError(f"account {closed.account_id!r} is no closed administrator's")
    registered = Account(account_id).register(closed.login, "admin")
    replaced = AdministratorRecovered(
        account_id=account_id, login=closed.login, replaces=closed.account_id
    )
    return [*registered, replaced]
