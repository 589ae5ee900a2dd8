"""Issue 8, item 3: anyone could lock anyone out. Eight wrong passwords for a known national
register number (or for `admin`) blocked the account and ended its sessions, with no limit on
the attempts. Now a member blocked that way lifts the block herself with a digital key (ID-4
holds: the 8th wrong password still blocks), wrong passwords block no staff account, and every
guessable credential is rate-limited per client address and per login (429, Retry-After)
before it is checked, on the service's clock."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pyotp
import pytest

from services.identity.app import definition as identity_service
from services.identity.wiring import wire
from shared.service import build_app
from tests.integration.test_identity_logins import (  # noqa: F401 (fixtures)
    DEVICE,
    INSZ,
    PASSWORD,
    identity,
    key_login,
    password_login,
    pin_login,
    registered,
    service,
)
from tests.support.accounts import Authenticator, log_in
from tests.support.http import bearer, client
from tests.support.recorded import recorded
from tests.support.services import running

ADMIN_PASSWORD = "the operator's own long password"
ADMIN_TOTP_SECRET = pyotp.random_base32()


async def test_issue8_3_id4_a_member_blocked_by_wrong_passwords_unblocks_herself_with_a_key(
    identity,
    provider,
    service,
    registered,  # noqa: F811
):
    for attempt in range(7):  # anyone who knows her national register number
        assert (await password_login(identity, "a guess")).status_code == 401
    assert (await password_login(identity, "a guess")).status_code == 403  # the 8th
    blocked = await password_login(identity)
    assert blocked.status_code == 403 and blocked.json()["block_reason"] == "failed_logins"

    by_key = await key_login(identity, provider, method="itsme")

    assert by_key.status_code == 200
    [unblocked] = await recorded(service, "AccessUnblocked")
    assert unblocked.payload == {"account_id": registered, "unblocked_by": registered}
    assert unblocked.actor.account_id == registered
    assert unblocked.actor.authenticated_by == "itsme"  # how she proved it (ID-9)
    assert (await password_login(identity)).status_code == 200  # and the count starts again


async def test_issue8_3_id4_a_pin_does_not_lift_a_block_for_wrong_passwords(
    identity,
    provider,
    service,
    registered,  # noqa: F811
):
    token = (await key_login(identity, provider)).json()["access_token"]
    device = {"device_id": DEVICE, "pin": "24680"}
    assert (await identity.post("/devices", json=device, headers=bearer(token))).status_code == 201
    for attempt in range(8):
        await password_login(identity, "a guess")

    by_pin = await pin_login(identity, "24680")

    assert by_pin.status_code == 403
    assert by_pin.json()["code"] == "access_blocked"
    assert by_pin.json()["block_reason"] == "failed_logins"
    assert await recorded(service, "AccessUnblocked") == []


@pytest.fixture
async def operated(database_url, kafka, clock, monkeypatch):
    """Identity whose first administrator the operator set up, on the test's clock."""
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET", ADMIN_TOTP_SECRET)
    async with running(identity_service, database_url, kafka, clock) as runtime:
        yield runtime


async def test_issue8_3_eight_wrong_passwords_do_not_lock_the_administrator_out(operated, clock):
    admin_app = Authenticator(ADMIN_TOTP_SECRET, clock)
    async with client(operated) as api:
        for attempt in range(10):  # a burst of guesses at the well-known login
            assert (await log_in(api, "admin", "a guess", admin_app)).status_code == 401
        throttled = await log_in(api, "admin", ADMIN_PASSWORD, admin_app)
        assert throttled.status_code == 429
        assert throttled.headers["Retry-After"] == "30"

        clock.advance(timedelta(seconds=int(throttled.headers["Retry-After"])))
        logged_in = await log_in(api, "admin", ADMIN_PASSWORD, admin_app)

    assert logged_in.status_code == 200
    assert len(await recorded(operated, "LoginFailed")) == 10  # the refused try counted none
    assert await recorded(operated, "AccessBlocked") == []


async def test_issue8_3_logins_are_rate_limited_per_address_whatever_the_headers_say(operated):
    async with client(operated) as api:
        for attempt in range(30):  # password spraying: a new login each time
            assert (await log_in(api, f"user-{uuid.uuid4().hex[:8]}", "a guess")).status_code == 401
        # X-Forwarded-For is believed from trusted proxies only (none by default).
        spoofed = await api.post(
            "/login",
            json={"login": "someone-else", "password": "a guess"},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
    async with _client_at(operated, "192.0.2.7") as elsewhere:
        other_address = await log_in(elsewhere, "someone-else", "a guess")

    assert spoofed.status_code == 429 and int(spoofed.headers["Retry-After"]) > 0
    assert other_address.status_code == 401


async def test_issue8_3_activation_codes_are_rate_limited_per_login(operated, clock):
    async with client(operated) as api:
        for attempt in range(10):
            assert (await _activate(api, "admin", "a guessed code")).status_code == 401
        throttled = await _activate(api, "admin", "a guessed code")
        clock.advance(timedelta(seconds=30))
        later = await _activate(api, "admin", "a guessed code")

    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "30"
    assert later.status_code == 401


async def test_issue8_3_pin_and_registration_code_guesses_are_rate_limited_per_address(
    operated, monkeypatch
):
    monkeypatch.setenv("IDENTITY_ADDRESS_ATTEMPTS_BURST", "4")
    operated.wiring = wire(operated)  # as if identity had started with it
    async with client(operated) as api:
        for attempt in range(4):
            pin = {"device_id": f"phone-{attempt}", "pin": "12345"}
            assert (await api.post("/login/pin", json=pin)).status_code == 401
        by_pin = await api.post("/login/pin", json={"device_id": "phone-9", "pin": "12345"})
        by_code = await api.post(
            "/registration/code/confirm",
            json={
                "request_id": "a-request",
                "code": "123456",
                "password": "a long member password",
                "terms_version": "2026-01",
                "accept_terms": True,
            },
        )

    assert by_pin.status_code == by_code.status_code == 429
    assert by_pin.headers["Retry-After"] == by_code.headers["Retry-After"] == "5"


def _client_at(runtime, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=build_app(runtime), client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://service")


async def _activate(api, login: str, code: str):
    body = {"login": login, "activation_code": code, "password": "a long new password"}
    return await api.post("/activation", json=body)
