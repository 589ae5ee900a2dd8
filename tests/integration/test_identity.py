"""Identity: logins, the 8-failure lockout (ID-4), staff blocks (ID-5) and tokens that every
service verifies from its own projection (AccessBlocked travels through Kafka)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mutualis.staff import send_command
from services.complaints.app import definition as complaints_service
from services.identity.app import definition as identity_service
from shared.clock import FakeClock
from tests.support.http import bearer, client
from tests.support.kafka import eventually
from tests.support.services import running

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def identity(database_url, kafka):
    async with running(identity_service, database_url, kafka) as runtime:
        yield runtime


async def register(kafka, login: str | None = None) -> tuple[str, str]:
    account_id, login = str(uuid.uuid4()), login or f"user-{uuid.uuid4().hex[:8]}"
    payload = {"account_id": account_id, "login": login, "password": PASSWORD}
    outcome = await send_command(
        kafka, "identity", "RegisterPortalAccount", payload, "staff:admin", 30
    )
    assert outcome.status == "accepted", outcome.reason
    return account_id, login


async def log_in(api, login: str, password: str = PASSWORD):
    return await api.post("/login", json={"login": login, "password": password})


async def test_id4_access_is_blocked_at_exactly_the_8th_consecutive_wrong_password(identity, kafka):
    _, login = await register(kafka)
    async with client(identity) as api:
        for attempt in range(7):
            assert (await log_in(api, login, "wrong")).status_code == 401
        assert (await log_in(api, login)).status_code == 200  # 7 failures: not blocked yet

        for attempt in range(8):
            assert (await log_in(api, login, "wrong")).status_code == 401
        refused = await log_in(api, login)

    assert refused.status_code == 403
    assert refused.json()["detail"] == {"message": "access blocked", "reason": "failed_logins"}


async def test_id4_a_successful_login_resets_the_count(identity, kafka):
    _, login = await register(kafka)
    async with client(identity) as api:
        for round_ in range(3):
            for attempt in range(5):
                await log_in(api, login, "wrong")
            assert (await log_in(api, login)).status_code == 200


async def test_id5_staff_block_with_a_reason_and_unblock(identity, kafka):
    account_id, login = await register(kafka)
    block = {"account_id": account_id, "reason": "suspected_fraud"}

    assert (
        await send_command(kafka, "identity", "BlockAccess", block, "staff:ms", 30)
    ).status == "accepted"
    async with client(identity) as api:
        refused = await log_in(api, login)
        assert (
            refused.status_code == 403 and refused.json()["detail"]["reason"] == "suspected_fraud"
        )

        unblock = {"account_id": account_id}
        assert (
            await send_command(kafka, "identity", "UnblockAccess", unblock, "staff:ms", 30)
        ).status == "accepted"
        assert (await log_in(api, login)).status_code == 200


async def test_unknown_logins_and_wrong_passwords_get_the_same_answer(identity, kafka):
    _, login = await register(kafka)
    async with client(identity) as api:
        unknown = await log_in(api, "nobody-by-that-name", "wrong")
        wrong = await log_in(api, login, "wrong")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_staff_commands_are_rejected_with_a_reason(identity, kafka):
    outcome = await send_command(
        kafka, "identity", "UnblockAccess", {"account_id": "ghost"}, "staff:ms", 30
    )

    assert outcome.status == "rejected" and outcome.reason == "no account 'ghost'"


async def test_access_blocked_reaches_complaints_through_kafka_and_its_api_refuses_the_user(
    identity, kafka, tmp_path
):
    account_id, login = await register(kafka)
    async with client(identity) as api:
        token = (await log_in(api, login)).json()["access_token"]
    complaints_db = f"sqlite+aiosqlite:///{tmp_path / 'complaints.sqlite'}"
    async with running(complaints_service, complaints_db, kafka) as complaints:
        async with client(complaints) as api:
            # Authorised once the signing key arrived: the complaint simply does not exist.
            assert await eventually(lambda: _status_is(api, token, 404))

            block = {"account_id": account_id, "reason": "reported_misuse"}
            await send_command(kafka, "identity", "BlockAccess", block, "staff:ms", 30)

            assert await eventually(lambda: _status_is(api, token, 401))


async def test_token_attacks_are_refused_with_401(identity, kafka, tmp_path):
    _, login = await register(kafka)
    async with client(identity) as api:
        token = (await log_in(api, login)).json()["access_token"]
    header, claims = (
        jwt.get_unverified_header(token),
        jwt.decode(token, options={"verify_signature": False}),
    )
    other_key = Ed25519PrivateKey.generate()
    attacks = {
        "tampered": _tamper(token),
        "wrong key": jwt.encode(
            claims, other_key, algorithm="EdDSA", headers={"kid": header["kid"]}
        ),
        "alg none": _unsigned({**header, "alg": "none"}, {**claims, "role": "admin"}),
        "hs256 with the public key": _unsigned({**header, "alg": "HS256"}, claims, signature="x"),
        "no token": None,
    }
    clock = FakeClock(datetime.now(timezone.utc))
    complaints_db = f"sqlite+aiosqlite:///{tmp_path / 'complaints.sqlite'}"
    async with running(complaints_service, complaints_db, kafka, clock) as complaints:
        async with client(complaints) as api:
            assert await eventually(lambda: _status_is(api, token, 404))
            for name, forged in attacks.items():
                headers = bearer(forged) if forged else {}
                response = await api.get("/complaints/2026-000001", headers=headers)
                assert response.status_code == 401, name

            clock.advance(timedelta(minutes=10))
            assert await _status_is(api, token, 401), "expired"


async def _status_is(api, token: str, status: int) -> bool:
    return (await api.get("/complaints/2026-000001", headers=bearer(token))).status_code == status


def _tamper(token: str) -> str:
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{signature}"


def _unsigned(header: dict, claims: dict, signature: str = "") -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}.{signature}"


async def test_a_refresh_token_rotates_and_its_reuse_revokes_the_family(identity, kafka):
    _, login = await register(kafka)
    async with client(identity) as api:
        first = (await log_in(api, login)).json()

        second = await api.post("/token/refresh", json={"refresh_token": first["refresh_token"]})
        assert second.status_code == 200
        assert second.json()["refresh_token"] != first["refresh_token"]

        # The spent token comes back (stolen?): refused, and the family dies with it.
        replayed = await api.post("/token/refresh", json={"refresh_token": first["refresh_token"]})
        assert replayed.status_code == 401
        assert "reused" in replayed.json()["detail"]
        latest = await api.post(
            "/token/refresh", json={"refresh_token": second.json()["refresh_token"]}
        )
        assert latest.status_code == 401


async def test_a_blocked_user_cannot_refresh(identity, kafka):
    account_id, login = await register(kafka)
    async with client(identity) as api:
        tokens = (await log_in(api, login)).json()
        block = {"account_id": account_id, "reason": "system_security"}
        await send_command(kafka, "identity", "BlockAccess", block, "staff:ms", 30)

        refused = await api.post("/token/refresh", json={"refresh_token": tokens["refresh_token"]})

    assert refused.status_code == 401


async def test_id6_a_user_closes_the_account_and_can_no_longer_log_in_anywhere(identity, kafka):
    _, login = await register(kafka)
    async with client(identity) as api:
        token = (await log_in(api, login)).json()["access_token"]
        # The user's own token works once identity's projection knows its signing key.
        assert await eventually(lambda: _closes(api, token))

        assert (await log_in(api, login)).status_code == 401
        assert await eventually(
            lambda: _status(api.post("/account/close", headers=bearer(token)), 401)
        )


async def test_id6_staff_close_an_account_on_the_users_letter(identity, kafka):
    account_id, login = await register(kafka)

    closed = await send_command(
        kafka, "identity", "CloseAccount", {"account_id": account_id}, "staff:ms", 30
    )

    assert closed.status == "accepted"
    async with client(identity) as api:
        assert (await log_in(api, login)).status_code == 401
    again = await send_command(
        kafka, "identity", "UnblockAccess", {"account_id": account_id}, "staff:ms", 30
    )
    assert again.status == "rejected" and again.reason == f"account {account_id!r} is closed"


async def _closes(api, token: str) -> bool:
    return (await api.post("/account/close", headers=bearer(token))).status_code == 204


async def _status(request, status: int) -> bool:
    return (await request).status_code == status
