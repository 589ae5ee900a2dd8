"""Issue 8, items 4 and 5, without I/O: whose account each role may act on, the last usable
administrator, the operator's recovery, and the revocations that void an account's tokens."""

from __future__ import annotations

import pytest

from services.identity.domain.accounts import (
    MAX_CONSECUTIVE_FAILURES,
    Account,
    AccountError,
    leave_an_administrator,
)
from services.identity.domain.administrators import recover, replace
from services.identity.domain.roles import at_or_above
from shared.contracts import Actor
from shared.contracts.identity import (
    AccessBlocked,
    AccessTokensRevoked,
    AccessUnblocked,
    AdministratorRecovered,
    PasswordChanged,
    PortalAccountClosed,
    PortalAccountRegistered,
)

MIDDLE = ("complaints_handler", "mediator", "member_services")


def account(role: str, *more, account_id: str = "target") -> Account:
    registered = PortalAccountRegistered(account_id=account_id, login=account_id, role=role)
    return Account.rebuild(account_id, history=[registered, *more])


def recorded(account: Account, decision, *args, **kwargs) -> list:
    """The events `decision` (a method of Account) recorded on the account."""
    decision(account, *args, **kwargs)
    return account.pending


def staff(role: str, account_id: str = "actor") -> Actor:
    return Actor(account_id=account_id, role=role, authenticated_by="pwd")


def test_issue8_4_roles_are_ordered_member_below_the_three_middle_roles_below_admin():
    for role in MIDDLE:
        assert at_or_above(role, "member") and not at_or_above("member", role)
        assert at_or_above("admin", role) and not at_or_above(role, "admin")
    assert at_or_above("admin", "member") and not at_or_above("member", "admin")


def test_issue8_4_the_three_middle_staff_roles_are_incomparable_not_equal():
    for role in MIDDLE:
        assert at_or_above(role, role)
        for other in set(MIDDLE) - {role}:
            assert not at_or_above(role, other), f"a {role} may act on a {other}"


def test_issue8_4_member_services_cannot_block_unblock_or_close_an_admin():
    admin = account("admin")
    blocked_admin = account(
        "admin", AccessBlocked(account_id="target", reason="maintenance", blocked_by="x")
    )
    clerk = staff("member_services")

    for refused in (
        lambda: admin.block("suspected_fraud", by=clerk),
        lambda: admin.close(by=clerk),
        lambda: blocked_admin.unblock(by=clerk),
    ):
        with pytest.raises(
            AccountError, match="role member_services may not act on an account of role admin"
        ):
            refused()


def test_issue8_4_member_services_cannot_block_the_mediator_or_a_complaints_handler():
    for role in ("mediator", "complaints_handler"):
        with pytest.raises(AccountError, match=f"may not act on an account of role {role}"):
            account(role).block("reported_misuse", by=staff("member_services"))
        assert recorded(account(role), Account.block, "reported_misuse", by=staff("admin"))


def test_issue8_4_member_services_act_on_members_and_fellow_member_services():
    clerk = staff("member_services")

    assert recorded(account("member"), Account.block, "breach_of_obligations", by=clerk)
    assert recorded(account("member_services"), Account.close, by=clerk)


def test_issue8_4_a_member_acts_on_their_own_account_only():
    with pytest.raises(AccountError, match="a member acts only on their own account"):
        account("member").close(by=staff("member", account_id="someone-else"))
    assert recorded(account("member"), Account.close, by=staff("member", account_id="target"))


def test_issue8_4_the_last_usable_administrator_cannot_be_blocked_or_closed():
    last = account("admin")

    with pytest.raises(AccountError, match="the last usable administrator"):
        leave_an_administrator(last, other_usable_administrators=0)
    leave_an_administrator(last, other_usable_administrators=1)
    # Administrators out of use already, and everyone else, are no administrator to keep.
    closed = account("admin", PortalAccountClosed(account_id="target", closed_by="x"))
    leave_an_administrator(closed, other_usable_administrators=0)
    leave_an_administrator(account("member_services"), other_usable_administrators=0)


def test_issue8_4_blocking_or_closing_decides_on_the_other_usable_administrators():
    admin = staff("admin", account_id="other-admin")

    for decision, args in ((Account.block, ("maintenance",)), (Account.close, ())):
        with pytest.raises(AccountError, match="the last usable administrator"):
            decision(account("admin"), *args, by=admin, other_usable_administrators=0)
        # Not counted is not "some": an administrator stays.
        with pytest.raises(AccountError, match="the last usable administrator"):
            decision(account("admin"), *args, by=admin)
        assert recorded(account("admin"), decision, *args, by=admin, other_usable_administrators=1)
        # Who may act on the account is decided first, as the refusal says.
        with pytest.raises(AccountError, match="role member_services may not act"):
            decision(account("admin"), *args, by=staff("member_services"))


def test_issue8_4_recovery_unblocks_the_admin_and_sets_its_password_anew():
    blocked = AccessBlocked(account_id="target", reason="failed_logins", blocked_by="identity")
    admin = account("admin", blocked)

    recovered = recorded(admin, recover)

    assert [type(e) for e in recovered] == [
        AdministratorRecovered,
        AccessUnblocked,
        PasswordChanged,
        AccessTokensRevoked,
    ]
    assert recovered[1].unblocked_by == "operator"
    assert account("admin", blocked, *recovered).usable


def test_issue8_4_a_closed_admin_stays_closed_and_a_new_account_takes_its_login():
    closed = account("admin", PortalAccountClosed(account_id="target", closed_by="x"))

    registered, recovered = recorded(Account.rebuild("new-admin"), lambda new: replace(closed, new))

    assert registered == PortalAccountRegistered(
        account_id="new-admin", login="target", role="admin"
    )
    assert recovered.replaces == "target" and recovered.account_id == "new-admin"
    with pytest.raises(AccountError):
        recover(closed)
    with pytest.raises(AccountError):
        replace(account("admin"), Account.rebuild("new-admin"))  # an open one is recovered


def test_issue8_5_a_password_change_a_block_and_closing_revoke_the_accounts_tokens():
    admin = staff("admin")

    changed = recorded(account("member"), Account.change_password)
    blocked = recorded(account("member"), Account.block, "suspected_fraud", by=admin)
    closed = recorded(account("member"), Account.close, by=admin)

    assert changed[-1] == AccessTokensRevoked(account_id="target", reason="password_changed")
    assert blocked[-1] == AccessTokensRevoked(account_id="target", reason="access_blocked")
    assert closed[-1] == AccessTokensRevoked(account_id="target", reason="account_closed")
    unblocked = recorded(account("member", blocked[0]), Account.unblock, by=admin)
    assert not any(isinstance(e, AccessTokensRevoked) for e in unblocked)


def test_issue8_5_the_lockout_by_wrong_passwords_revokes_too():
    attempts: list = []
    for _ in range(MAX_CONSECUTIVE_FAILURES):
        attempts += recorded(account("member", *attempts), Account.log_in, password_ok=False)

    assert isinstance(attempts[-2], AccessBlocked)
    assert attempts[-1] == AccessTokensRevoked(account_id="target", reason="access_blocked")
