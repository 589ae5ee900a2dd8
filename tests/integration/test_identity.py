"""Identity: logins, the 8-failure lockout (ID-4), staff blocks (ID-5) and tokens that every
service verifies from its own projection (AccessBlocked travels through Kafka)."""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.complaints.app import definition as complaints_service
from services.dossier.app import definition as dossier_service
from services.identity.app import definition as identity_service
from shared.clock import FakeClock
from tests.support.accounts import activate
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually

PASSWORD = "correct horse battery staple"
COMPLAINT = "/complaints/2026-000001"


@pytest.fixture
async def identity(database_url, kafka, signer):
    async with running(identity_service, database_url, kafka) as runtime:
        await signer.known_by(runtime)
        yield runtime


async def register(signer, identity, login: str | None = None) -> tuple[str, str]:
    """An account an administrator opened over Kafka, its password set with the activation
    code (over HTTP)."""
    account_id, login = str(uuid.uuid4()), login or f"user-{uuid.uuid4().hex[:8]}"
    payload = {"account_id": account_id, "login": login}
    outcome = await signer.send("identity", "RegisterPortalAccount", payload)
    assert outcome.status == "accepted", outcome.reason
    await activate(identity, account_id, login)
    return account_id, login


async def log_in(api, login: str, password: str = PASSWORD):
    return await api.post("/login", json={"login": login, "password": password})


async def test_id4_access_is_blocked_at_exactly_the_8th_consecutive_wrong_password(
    identity, signer
):
    _, login = await register(signer, identity)
    async with client(identity) as api:
        for attempt in range(7):
            assert (await log_in(api, login, "wrong")).status_code == 401
        assert (await log_in(api, login)).status_code == 200  # 7 failures: not blocked yet

        for attempt in range(7):
            assert (await log_in(api, login, "wrong")).status_code == 401
        eighth = await log_in(api, login, "wrong")  # says so at once, with the reason
        refused = await log_in(api, login)

    for answer in (eighth, refused):
        assert answer.status_code == 403
        assert answer.json()["code"] == "access_blocked"
        assert answer.json()["block_reason"] == "failed_logins"


async def test_id4_a_successful_login_resets_the_count(identity, signer):
    _, login = await register(signer, identity)
    async with client(identity) as api:
        for round_ in range(3):
            for attempt in range(5):
                await log_in(api, login, "wrong")
            assert (await log_in(api, login)).status_code == 200


async def test_id5_staff_block_with_a_reason_and_unblock(identity, signer):
    account_id, login = await register(signer, identity)
    block = {"account_id": account_id, "reason": "suspected_fraud"}

    assert (
        await signer.send("identity", "BlockAccess", block, "member_services")
    ).status == "accepted"
    async with client(identity) as api:
        refused = await log_in(api, login)
        assert refused.status_code == 403 and refused.json()["block_reason"] == "suspected_fraud"

        unblock = {"account_id": account_id}
        assert (
            await signer.send("identity", "UnblockAccess", unblock, "member_services")
        ).status == "accepted"
        assert (await log_in(api, login)).status_code == 200


async def test_unknown_logins_and_wrong_passwords_get_the_same_answer(identity, signer):
    _, login = await register(signer, identity)
    async with client(identity) as api:
        unknown = await log_in(api, "nobody-by-that-name", "wrong")
        wrong = await log_in(api, login, "wrong")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_staff_commands_are_rejected_with_a_reason(identity, signer):
    outcome = await signer.send(
        "identity", "UnblockAccess", {"account_id": "ghost"}, "member_services"
    )

    assert outcome.status == "rejected" and outcome.reason == "no account 'ghost'"


async def test_access_blocked_reaches_complaints_through_kafka_and_its_api_refuses_the_user(
    identity, kafka, signer, tmp_path
):
    account_id, login = await register(signer, identity)
    async with client(identity) as api:
        token = (await log_in(api, login)).json()["access_token"]
    complaints_db = f"sqlite+aiosqlite:///{tmp_path / 'complaints.sqlite'}"
    async with running(complaints_service, complaints_db, kafka) as complaints:
        async with client(complaints) as api:
            # Authorised once the signing key arrived: the complaint simply does not exist.
            assert await eventually(lambda: _status_is(api, COMPLAINT, token, 404))

            block = {"account_id": account_id, "reason": "reported_misuse"}
            await signer.send("identity", "BlockAccess", block, "member_services")

            assert await eventually(lambda: _status_is(api, COMPLAINT, token, 401))


# A route of each service that needs a valid token, and what it answers to one.
GUARDED = {
    "identity": ("/access/persons", 200),
    "dossier": ("/persons", 200),
    "complaints": ("/complaints/2026-000001", 404),
}


async def test_token_attacks_are_refused_with_401_by_every_service(
    database_url, kafka, signer, tmp_path
):
    clock = FakeClock(datetime.now(timezone.utc))
    services = {"identity": identity_service, "dossier": dossier_service}
    services["complaints"] = complaints_service
    async with contextlib.AsyncExitStack() as stack:
        runtimes = {
            name: await stack.enter_async_context(
                running(definition, _database(name, database_url, tmp_path), kafka, clock)
            )
            for name, definition in services.items()
        }
        await signer.known_by(runtimes["identity"])
        _, login = await register(signer, runtimes["identity"])
        async with client(runtimes["identity"]) as api:
            token = (await log_in(api, login)).json()["access_token"]
        for name, runtime in runtimes.items():
            path, answer = GUARDED[name]
            async with client(runtime) as api:
                assert await eventually(lambda: _status_is(api, path, token, answer)), name
                for attack, forged in _attacks(token).items():
                    headers = bearer(forged) if forged else {}
                    response = await api.get(path, headers=headers)
                    assert response.status_code == 401, f"{name}: {attack}"

        clock.advance(timedelta(minutes=10))
        for name, runtime in runtimes.items():
            async with client(runtime) as api:
                assert await _status_is(api, GUARDED[name][0], token, 401), f"{name}: expired"


def _database(name: str, database_url: str, tmp_path) -> str:
    """Identity on the parametrised backend, the others on SQLite files of their own."""
    if name == "identity":
        return database_url
    return f"sqlite+aiosqlite:///{tmp_path / name}.sqlite"


def _attacks(token: str) -> dict[str, str | None]:
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    other_key = Ed25519PrivateKey.generate()
    return {
        "tampered": _tamper(token),
        "wrong key": jwt.encode(
            claims, other_key, algorithm="EdDSA", headers={"kid": header["kid"]}
        ),
        "alg none": _unsigned({**header, "alg": "none"}, {**claims, "role": "admin"}),
        "hs256 with the public key": _unsigned({**header, "alg": "HS256"}, claims, signature="x"),
        "no token": None,
    }


async def _status_is(api, path: str, token: str, status: int) -> bool:
    return (await api.get(path, headers=bearer(token))).status_code == status


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


async def test_a_refresh_token_rotates_and_its_reuse_revokes_the_family(identity, signer):
    _, login = await register(signer, identity)
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


async def test_a_blocked_user_cannot_refresh(identity, signer):
    account_id, login = await register(signer, identity)
    async with client(identity) as api:
        tokens = (await log_in(api, login)).json()
        block = {"account_id": account_id, "reason": "system_security"}
        await signer.send("identity", "BlockAccess", block, "member_services")

        refused = await api.post("/token/refresh", json={"refresh_token": tokens["refresh_token"]})

    assert refused.status_code == 401


async def test_id6_a_user_closes_the_account_and_can_no_longer_log_in_anywhere(identity, signer):
    _, login = await register(signer, identity)
    async with client(identity) as api:
        token = (await log_in(api, login)).json()["access_token"]
        # The user's own token works once identity's projection knows its signing key.
        assert await eventually(lambda: _closes(api, token))

        assert (await log_in(api, login)).status_code == 401
        assert await eventually(
            lambda: _status(api.post("/account/close", headers=bearer(token)), 401)
        )


async def test_id6_staff_close_an_account_on_the_users_letter(identity, signer):
    account_id, login = await register(signer, identity)

    closed = await signer.send(
        "identity", "CloseAccount", {"account_id": account_id}, "member_services"
    )

    assert closed.status == "accepted"
    async with client(identity) as api:
        assert (await log_in(api, login)).status_code == 401
    again = await signer.send(
        "identity", "UnblockAccess", {"account_id": account_id}, "member_services"
    )
    assert again.status == "rejected" and again.reason == f"account {account_id!r} is closed"


async def _closes(api, token: str) -> bool:
    return (await api.post("/account/close", headers=bearer(token))).status_code == 204


async def _status(request, status: int) -> bool:
    return (await request).status_code == status
