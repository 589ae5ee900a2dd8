"""Someone must always be able to administer: the last usable administrator is never blocked
or closed by staff (accounts.py, `leave_an_administrator`), and when none is usable all the
same (blocked by wrong passwords, say) the operator of identity's host recovers one at start
(handlers/bootstrap.py). Pure decisions on accounts, which record them."""

from __future__ import annotations

from services.identity.domain.accounts import Account, AccountError
from shared.contracts.identity import AccessUnblocked, AdministratorRecovered

ADMIN_LOGIN = "admin"


def recover(account: Account) -> None:
    """The `admin` account back in use: unblocked, with the password the operator set, so
    every token issued before is void."""
    if account.role != "admin" or account.closed:
        raise AccountError(f"account {account.account_id!r} is no open administrator's")
    account.record(AdministratorRecovered(account_id=account.account_id, login=account.login))
    if account.blocked_reason:
        account.record(AccessUnblocked(account_id=account.account_id, unblocked_by="operator"))
    account.change_password()


def replace(closed: Account, successor: Account) -> None:
    """A closed account stays closed for good: a new administrator, `successor` (a new
    account), takes over its login."""
    if closed.role != "admin" or not closed.closed:
        raise AccountError(f"account {closed.account_id!r} is no closed administrator's")
    successor.register(closed.login, "admin")
    successor.record(
        AdministratorRecovered(
            account_id=successor.account_id, login=closed.login, replaces=closed.account_id
        )
    )
