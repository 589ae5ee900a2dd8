"""Issue 8, item 4: roles have a hierarchy. Member services could block and close an admin for
good, and then no admin could be restored. Now staff act only on accounts of a lower or equal
role, the last usable administrator is never blocked or closed, and the operator of identity's
host recovers an administrator at start when none is usable. (Since issue 8 item 3 wrong
passwords no longer block staff; wrong authenticator codes after the right password do.)"""

from __future__ import annotations

import asyncio

import pyotp
import pytest
from sqlalchemy import select

from services.identity.adapters.private_tables import credentials
from services.identity.app import definition as identity_service
from shared.contracts.identity import BlockAccess, CloseAccount, UnblockAccess
from tests.support.accounts import (
    AUTHENTICATORS,
    PASSWORD,
    Authenticator,
    execute,
    log_in,
    register,
    staff,
)
from tests.support.http import client
from tests.support.recorded import recorded
from tests.support.services import running

OPERATOR_PASSWORD = "the operator's own long password"
OPERATOR_TOTP_SECRET = pyotp.random_base32()


@pytest.fixture
def operator(monkeypatch):
    """Identity's host started with the first administrator's password and authenticator."""
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", OPERATOR_PASSWORD)
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET", OPERATOR_TOTP_SECRET)


@pytest.fixture
async def identity(database_url, kafka, clock):
    async with running(identity_service, database_url, kafka, clock) as runtime:
        yield runtime


async def test_issue8_4_member_services_cannot_block_or_close_an_admin(identity):
    admin_id, admin_login = await register(identity, "admin")
    clerk = staff("member_services")

    blocked = await execute(identity, clerk, BlockAccess(account_id=admin_id, reason="maintenance"))
    closed = await execute(identity, clerk, CloseAccount(account_id=admin_id))

    refusal = "role member_services may not act on an account of role admin"
    assert blocked.status == closed.status == "rejected"
    assert blocked.reason == closed.reason == refusal
    async with client(identity) as api:
        assert (await log_in(api, admin_login)).status_code == 200  # nothing changed


async def test_issue8_4_member_services_cannot_silence_the_mediator_or_a_complaints_handler(
    identity,
):
    for role in ("mediator", "complaints_handler"):
        account_id, _ = await register(identity, role)
        block = BlockAccess(account_id=account_id, reason="reported_misuse")

        by_clerk = await execute(identity, staff("member_services"), block)
        by_admin = await execute(identity, staff("admin"), block)

        assert by_clerk.status == "rejected", role
        assert by_clerk.reason == f"role member_services may not act on an account of role {role}"
        assert by_admin.status == "accepted", role
        unblock = UnblockAccess(account_id=account_id)
        assert (await execute(identity, staff("member_services"), unblock)).status == "rejected"


async def test_issue8_4_member_services_act_on_members_and_fellow_member_services(identity):
    member_id, _ = await register(identity, "member")
    colleague_id, _ = await register(identity, "member_services")
    clerk = staff("member_services")

    blocked = await execute(
        identity, clerk, BlockAccess(account_id=member_id, reason="maintenance")
    )
    closed = await execute(identity, clerk, CloseAccount(account_id=colleague_id))

    assert blocked.status == closed.status == "accepted"


async def test_issue8_4_the_last_usable_admin_cannot_be_blocked_or_closed_not_even_by_itself(
    identity,
):
    first, _ = await register(identity, "admin")
    itself = staff("admin", account_id=first)
    refusal = "the last usable administrator cannot be blocked or closed"

    for command in (
        BlockAccess(account_id=first, reason="maintenance"),
        CloseAccount(account_id=first),
    ):
        outcome = await execute(identity, itself, command)
        assert outcome.status == "rejected" and outcome.reason == refusal

    # A second administrator, blocked: the first is still the last usable one.
    second, _ = await register(identity, "admin")
    block_second = BlockAccess(account_id=second, reason="maintenance")
    assert (await execute(identity, itself, block_second)).status == "accepted"
    assert (await execute(identity, itself, CloseAccount(account_id=first))).reason == refusal

    # Unblocked, the second one may take over: the first may go.
    assert (await execute(identity, itself, UnblockAccess(account_id=second))).status == "accepted"
    assert (await execute(identity, itself, CloseAccount(account_id=first))).status == "accepted"


async def test_issue8_4_two_admins_blocking_each_other_at_once_leave_one_usable(identity):
    first, first_login = await register(identity, "admin")
    second, second_login = await register(identity, "admin")

    outcomes = await asyncio.gather(
        execute(
            identity, staff("admin", first), BlockAccess(account_id=second, reason="maintenance")
        ),
        execute(
            identity, staff("admin", second), BlockAccess(account_id=first, reason="maintenance")
        ),
    )

    assert sorted(o.status for o in outcomes) == ["accepted", "rejected"]
    async with client(identity) as api:
        answers = [(await log_in(api, login)).status_code for login in (first_login, second_login)]
    assert sorted(answers) == [200, 403]


async def test_issue8_4_the_operator_recovers_the_admin_locked_out_by_wrong_codes(
    database_url, kafka, clock, operator
):
    admin_app = Authenticator(OPERATOR_TOTP_SECRET, clock)
    async with running(identity_service, database_url, kafka, clock) as identity:
        async with client(identity) as api:
            for attempt in range(8):  # someone who has the password, not the authenticator
                await _log_in_with_a_wrong_code(api, "admin", OPERATOR_PASSWORD, admin_app)
            blocked = await log_in(api, "admin", OPERATOR_PASSWORD, admin_app)
            assert blocked.status_code == 403
            assert blocked.json()["block_reason"] == "system_security"
        [registered] = await recorded(identity, "PortalAccountRegistered")

    # Identity's host restarted with IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: no usable admin left.
    async with running(identity_service, database_url, kafka, clock) as identity:
        async with client(identity) as api:
            assert (await log_in(api, "admin", OPERATOR_PASSWORD, admin_app)).status_code == 200
        [recovered] = await recorded(identity, "AdministratorRecovered")
        [unblocked] = await recorded(identity, "AccessUnblocked")
        revocations = await recorded(identity, "AccessTokensRevoked")
        enrolments = await recorded(identity, "SecondFactorEnrolled")
    [revoked] = [e for e in revocations if e.correlation_id == recovered.correlation_id]
    [enrolled] = [e for e in enrolments if e.correlation_id == recovered.correlation_id]

    admin_id = registered.payload["account_id"]
    assert recovered.payload == {
        "account_id": admin_id,
        "login": "admin",
        "method": "bootstrap_admin_password",
        "replaces": None,
    }
    assert unblocked.payload == {"account_id": admin_id, "unblocked_by": "operator"}
    assert revoked.payload["reason"] == "password_changed"
    assert enrolled.payload == {"account_id": admin_id, "method": "totp"}


async def test_issue8_4_a_closed_admin_stays_closed_and_a_new_one_takes_the_admin_login(
    database_url, kafka, clock, operator
):
    async with running(identity_service, database_url, kafka, clock) as identity:
        first = await _admin_account(identity)
        other, other_login = await register(identity, "admin")
        close_first = CloseAccount(account_id=first)
        assert (await execute(identity, staff("admin", other), close_first)).status == "accepted"
        async with client(identity) as api:
            for attempt in range(8):  # the other one's password leaked: it is blocked
                await _log_in_with_a_wrong_code(
                    api, other_login, PASSWORD, AUTHENTICATORS[other_login]
                )

    async with running(identity_service, database_url, kafka, clock) as identity:
        admin_app = Authenticator(OPERATOR_TOTP_SECRET, clock)
        async with client(identity) as api:
            assert (await log_in(api, "admin", OPERATOR_PASSWORD, admin_app)).status_code == 200
        [recovered] = await recorded(identity, "AdministratorRecovered")
        replacement = await _admin_account(identity)

    assert replacement not in (first, other)
    assert recovered.payload["account_id"] == replacement
    assert recovered.payload["replaces"] == first


async def test_issue8_4_a_start_with_a_usable_admin_changes_nothing(
    database_url, kafka, clock, operator, monkeypatch
):
    async with running(identity_service, database_url, kafka, clock):
        pass
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", "somebody else's long password")
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET", pyotp.random_base32())
    async with running(identity_service, database_url, kafka, clock) as identity:
        admin_app = Authenticator(OPERATOR_TOTP_SECRET, clock)
        async with client(identity) as api:
            assert (await log_in(api, "admin", OPERATOR_PASSWORD, admin_app)).status_code == 200
        assert await recorded(identity, "AdministratorRecovered") == []


async def _log_in_with_a_wrong_code(api, login: str, password: str, app: Authenticator):
    body = {"login": login, "password": password, "totp": app.wrong_code()}
    answer = await api.post("/login", json=body)
    assert answer.status_code == 401, answer.text
    return answer


async def _admin_account(identity) -> str:
    async with identity.database.read() as conn:
        return await conn.scalar(
            select(credentials.c.account_id).where(credentials.c.login == "admin")
        )
