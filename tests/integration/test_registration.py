"""ID-1, ID-2: registration with a digital key's signed assertion, verified against the
provider's published keys (a local provider served over real HTTP), and the accepted terms."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta, timezone

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mutualis.idp import create_idp
from services.identity.app import definition as identity_service
from shared.clock import FakeClock
from shared.messaging.local_broker import free_port
from tests.support.http import client
from tests.support.services import running

PASSWORD = "correct horse battery staple"
INSZ = "85073003328"
TERMS = "2026-01"


@pytest.fixture
async def provider(monkeypatch):
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        create_idp(issuer), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    monkeypatch.setenv("IDENTITY_IDENTITY_PROVIDERS", json.dumps([issuer]))
    yield issuer
    server.should_exit = True
    await serving


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(timezone.utc))


@pytest.fixture
async def identity(database_url, kafka, provider, clock):
    async with running(identity_service, database_url, kafka, clock) as runtime:
        async with client(runtime) as api:
            yield api


async def assertion(api, provider: str, **overrides) -> str:
    nonce = (await api.post("/registration/nonce")).json()
    request = {
        "national_register_number": INSZ,
        "name": "Els Peeters",
        "audience": nonce["audience"],
        "nonce": nonce["nonce"],
        **overrides,
    }
    async with httpx.AsyncClient() as http:
        return (await http.post(f"{provider}/assertions", json=request)).json()["id_token"]


def registration(id_token: str, **overrides) -> dict:
    return {
        "id_token": id_token,
        "password": PASSWORD,
        "terms_version": TERMS,
        "accept_terms": True,
        **overrides,
    }


async def test_id1_registering_with_a_digital_key_then_logging_in_with_the_national_register_number(
    identity, provider
):
    registered = await identity.post(
        "/registration", json=registration(await assertion(identity, provider))
    )

    assert registered.status_code == 201 and registered.json()["login"] == INSZ
    typed = "85.07.30-033.28"  # as people type it
    login = await identity.post("/login", json={"login": typed, "password": PASSWORD})
    assert login.status_code == 200


async def test_id1_an_assertion_with_an_invalid_national_register_number_is_refused(
    identity, provider
):
    token = await assertion(identity, provider, national_register_number="85073003327")

    refused = await identity.post("/registration", json=registration(token))

    assert refused.status_code == 401
    assert refused.json()["detail"].endswith("the check digits do not match")
    assert "85073003327" not in refused.json()["detail"]


async def test_id1_a_replayed_assertion_is_refused(identity, provider):
    token = await assertion(identity, provider)
    assert (
        await identity.post("/registration", json=registration(token, login="els"))
    ).status_code == 201

    replayed = await identity.post("/registration", json=registration(token, login="els-again"))

    assert replayed.status_code == 401 and "used before" in replayed.json()["detail"]


async def test_id1_a_forged_assertion_is_refused(identity, provider):
    genuine = await assertion(identity, provider)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    forged = jwt.encode(
        claims,
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": jwt.get_unverified_header(genuine)["kid"]},
    )

    refused = await identity.post("/registration", json=registration(forged))

    assert refused.status_code == 401 and "signature" in refused.json()["detail"].lower()


async def test_id1_an_expired_assertion_is_refused(identity, provider, clock):
    token = await assertion(identity, provider)
    clock.advance(timedelta(minutes=6))  # assertions live 5 minutes

    refused = await identity.post("/registration", json=registration(token))

    assert refused.status_code == 401 and refused.json()["detail"] == "assertion expired"


async def test_id1_an_assertion_for_another_audience_is_refused(identity, provider):
    token = await assertion(identity, provider, audience="some-other-portal")

    refused = await identity.post("/registration", json=registration(token))

    assert refused.status_code == 401 and "audience" in refused.json()["detail"].lower()


async def test_id1_an_assertion_of_an_untrusted_provider_is_refused(identity):
    now = int(time.time())
    claims = {
        "iss": "http://127.0.0.1:1/",
        "sub": INSZ,
        "aud": "mutualis-portal",
        "nonce": "n",
        "iat": now,
        "exp": now + 60,
    }
    token = jwt.encode(
        claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "k"}
    )

    refused = await identity.post("/registration", json=registration(token))

    assert (
        refused.status_code == 401 and "not a trusted identity provider" in refused.json()["detail"]
    )


async def test_id2_registration_requires_accepting_the_current_terms(identity, provider):
    token = await assertion(identity, provider)

    refused = await identity.post("/registration", json=registration(token, accept_terms=False))
    outdated = await identity.post(
        "/registration", json=registration(token, terms_version="2019-01")
    )

    assert refused.status_code == outdated.status_code == 422
