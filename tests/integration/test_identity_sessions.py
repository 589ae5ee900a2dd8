"""Issue 8, finding 2: identity binds a session's tokens to the key the client keeps, so the
commands it sends over Kafka are proved to be the session's; refreshed tokens stay bound."""

from __future__ import annotations

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mutualis.staff import Sender, send_command
from shared.command_proof import public_jwk
from tests.integration.test_identity import identity, log_in, register  # noqa: F401
from tests.support.http import client

PASSWORD = "correct horse battery staple"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


async def test_issue8_2_a_session_bound_at_login_sends_commands_and_stays_bound_on_refresh(
    identity,
    signer,
    kafka,  # noqa: F811
):
    account_id, login = await register(signer, identity)
    key = Ed25519PrivateKey.generate()
    async with client(identity) as api:
        bound = await api.post(
            "/login", json={"login": login, "password": PASSWORD, "session_key": public_jwk(key)}
        )
        refreshed = await api.post(
            "/token/refresh", json={"refresh_token": bound.json()["refresh_token"]}
        )
        unbound = await log_in(api, login)

    assert claims(bound.json()["access_token"])["cnf"] == {"jwk": public_jwk(key)}
    assert claims(refreshed.json()["access_token"])["cnf"] == {"jwk": public_jwk(key)}
    assert "cnf" not in claims(unbound.json()["access_token"])

    # The account closes itself over Kafka: with the session's key only.
    close = {"account_id": account_id}
    bearer_only = Sender(unbound.json()["access_token"], Ed25519PrivateKey.generate())
    refused = await send_command(kafka, "identity", "CloseAccount", close, bearer_only, 30)
    session = Sender(refreshed.json()["access_token"], key)
    accepted = await send_command(kafka, "identity", "CloseAccount", close, session, 30)

    assert (
        refused.reason == "not authenticated: the token is not bound to a session key: log in again"
    )
    assert accepted.status == "accepted", accepted.reason


async def test_issue8_2_a_session_key_that_is_no_ed25519_key_is_refused(identity):  # noqa: F811
    async with client(identity) as api:
        answer = await api.post(
            "/login",
            json={
                "login": "nobody",
                "password": PASSWORD,
                "session_key": {"kty": "RSA", "n": "…", "e": "AQAB"},
            },
        )
    assert answer.status_code == 422
