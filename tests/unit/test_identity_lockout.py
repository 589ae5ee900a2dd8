"""Issue 8, item 3, without I/O: anyone could lock anyone out with 8 wrong passwords. Now a
member blocked that way lifts the block with a digital key, staff are not blocked by wrong
passwords but need an authenticator code (and are blocked by wrong codes after the right
password), and attempts are rate-limited on the service's clock before anything is checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from pydantic import ValidationError
from starlette.requests import Request

from services.identity.api.rate_limits import Limits, client_address
from services.identity.api.token_buckets import TokenBuckets
from services.identity.config import IdentitySettings
from services.identity.domain.accounts import MAX_CONSECUTIVE_FAILURES, AccessRefused, Account
from services.identity.domain.second_factors import (
    MAX_SECOND_FACTOR_FAILURES,
    SecondFactorRequired,
)
from shared.clock import FakeClock
from shared.contracts.identity import (
    AccessBlocked,
    AccessTokensRevoked,
    AccessUnblocked,
    LoginFailed,
    LoginSucceeded,
    PortalAccountRegistered,
    SecondFactorEnrolled,
    SecondFactorFailed,
)


def registered(role: str) -> list:
    return [PortalAccountRegistered(account_id="target", login="target", role=role)]


STAFF = [*registered("complaints_handler"), SecondFactorEnrolled(account_id="target")]


def account(role: str, *more) -> Account:
    return Account.rebuild("target", history=[*registered(role), *more])


def staff_member(*more) -> Account:
    return Account.rebuild("target", history=[*STAFF, *more])


def recorded(account: Account, decision, *args, **kwargs) -> list:
    """The events `decision` (a method of Account) recorded on the account."""
    decision(account, *args, **kwargs)
    return account.pending


def attempts(before: list, times: int, **login) -> list:
    """The events of `times` logins in a row, each decided on what the earlier ones recorded."""
    history: list = []
    for _ in range(times):
        history += recorded(
            Account.rebuild("target", history=[*before, *history]), Account.log_in, **login
        )
    return history


def test_issue8_3_id4_a_member_is_still_blocked_at_the_8th_wrong_password():
    history = attempts(registered("member"), MAX_CONSECUTIVE_FAILURES, password_ok=False)

    assert history[-3] == LoginFailed(account_id="target", consecutive_failures=8)
    assert history[-2] == AccessBlocked(
        account_id="target", reason="failed_logins", blocked_by="identity"
    )
    assert isinstance(history[-1], AccessTokensRevoked)


def test_issue8_3_wrong_passwords_never_block_a_staff_account():
    history = attempts(
        STAFF, 3 * MAX_CONSECUTIVE_FAILURES, password_ok=False, second_factor_ok=True
    )

    assert all(isinstance(event, LoginFailed) for event in history)
    assert history[-1].consecutive_failures == 24
    assert staff_member(*history).usable


def test_issue8_3_a_digital_key_lifts_a_members_block_for_wrong_passwords():
    blocked = AccessBlocked(account_id="target", reason="failed_logins", blocked_by="identity")
    member = account("member", blocked)

    unblocked, logged_in = recorded(member, Account.log_in_proved, "eid")

    assert unblocked == AccessUnblocked(account_id="target", unblocked_by="target")
    assert logged_in == LoginSucceeded(account_id="target")
    assert account("member", blocked, unblocked, logged_in).usable


def test_issue8_3_a_pin_and_a_staff_block_are_no_way_around_a_block():
    by_passwords = AccessBlocked(account_id="target", reason="failed_logins", blocked_by="identity")
    by_staff = AccessBlocked(account_id="target", reason="suspected_fraud", blocked_by="clerk")

    with pytest.raises(AccessRefused, match="failed_logins"):
        account("member", by_passwords).log_in_proved("pin")
    for method in ("eid", "itsme", "csam"):
        with pytest.raises(AccessRefused, match="suspected_fraud"):
            account("member", by_staff).log_in_proved(method)


def test_issue8_3_a_staff_login_without_a_code_is_asked_for_one_whatever_the_password():
    for password_ok in (True, False):
        with pytest.raises(SecondFactorRequired):
            staff_member().log_in(password_ok=password_ok)
    # An account from before second factors has none to check a code against.
    with pytest.raises(SecondFactorRequired):
        account("admin").log_in(password_ok=True, second_factor_ok=True)
    assert recorded(staff_member(), Account.log_in, password_ok=True, second_factor_ok=True) == [
        LoginSucceeded(account_id="target")
    ]


def test_issue8_3_wrong_codes_after_the_right_password_block_staff_for_system_security():
    history = attempts(STAFF, MAX_SECOND_FACTOR_FAILURES, password_ok=True, second_factor_ok=False)

    assert history[-3] == SecondFactorFailed(account_id="target", consecutive_failures=8)
    assert history[-2] == AccessBlocked(
        account_id="target", reason="system_security", blocked_by="identity"
    )
    blocked = staff_member(*history)
    with pytest.raises(AccessRefused, match="system_security"):
        blocked.log_in(password_ok=True, second_factor_ok=True)
    # A wrong code tells nothing.
    assert recorded(blocked, Account.log_in, password_ok=True, second_factor_ok=False) == []


def test_issue8_3_a_member_has_no_authenticator_to_enrol():
    with pytest.raises(Exception, match="digital key"):
        account("member").enrol_second_factor()
    assert recorded(staff_member(), Account.enrol_second_factor) == [
        SecondFactorEnrolled(account_id="target")
    ]


def test_issue8_3_buckets_let_a_burst_through_then_one_attempt_per_interval_of_the_clock():
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    buckets = TokenBuckets(clock, burst=3, interval=timedelta(seconds=30))

    for _ in range(3):
        assert buckets.wait("els") == timedelta(0)
        buckets.take("els")

    assert buckets.wait("els") == timedelta(seconds=30)
    assert buckets.wait("someone else") == timedelta(0)
    clock.advance(timedelta(seconds=20))
    assert buckets.wait("els") == timedelta(seconds=10)
    clock.advance(timedelta(seconds=10))
    assert buckets.wait("els") == timedelta(0)


def test_issue8_3_buckets_forget_idle_keys_and_keep_at_most_max_keys():
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    buckets = TokenBuckets(clock, burst=1, interval=timedelta(seconds=30), max_keys=2)
    for key in ("a", "b", "c"):
        buckets.take(key)

    assert buckets.wait("a") == timedelta(0)  # the least recently used went
    assert buckets.wait("c") == timedelta(seconds=30)
    buckets.give_back("c")
    assert buckets.wait("c") == timedelta(0)


def test_issue8_3_a_success_gives_back_the_address_token_and_fills_the_login_bucket():
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    settings = IdentitySettings(login_attempts_burst=2, address_attempts_burst=3)
    limits = Limits(clock, settings)

    assert not limits.admit("10.0.0.1", "password:els")
    assert not limits.admit("10.0.0.1", "password:els")
    assert limits.admit("10.0.0.1", "password:els") == timedelta(seconds=30)  # took nothing
    assert not limits.admit("10.0.0.1", "password:piet")  # the address's third
    assert limits.admit("10.0.0.1", "password:jan") == timedelta(seconds=5)


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 50000), "headers": headers})


def test_issue8_3_the_client_address_is_the_peer_unless_it_is_a_trusted_proxy():
    proxies = IdentitySettings(trusted_proxies=["10.0.0.0/8"]).trusted_proxies

    spoofed = _request("203.0.113.9", "198.51.100.1")
    assert client_address(spoofed, []) == "203.0.113.9"  # headers believed from nobody
    assert client_address(spoofed, proxies) == "203.0.113.9"  # nor from an untrusted peer
    # Behind two trusted proxies, the hop before them; what the client wrote stays unread.
    behind = _request("10.0.0.2", "192.0.2.66, 198.51.100.1, 10.0.0.1")
    assert client_address(behind, proxies) == "198.51.100.1"
    # An IPv6 client counts as its /64.
    assert client_address(_request("2001:db8:1:2::5"), []) == "2001:db8:1:2::/64"


def test_issue8_3_the_bootstrap_administrator_needs_an_authenticator_secret():
    with pytest.raises(ValidationError, match="IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET"):
        IdentitySettings(bootstrap_admin_password="a long operator password")
    with pytest.raises(ValidationError, match="base32"):
        IdentitySettings(bootstrap_admin_password="x" * 20, bootstrap_admin_totp_secret="not-b32!")
    with pytest.raises(ValidationError, match="160 bits") as short:
        IdentitySettings(bootstrap_admin_password="x" * 20, bootstrap_admin_totp_secret="A" * 24)
    assert "AAAA" not in str(short.value)  # the refusal does not show the secret
    IdentitySettings(
        bootstrap_admin_password="x" * 20, bootstrap_admin_totp_secret=pyotp.random_base32()
    )
