"""ID-1, ID-2: registration with a digital key's signed assertion, verified against the
provider's published keys (a local provider served over real HTTP), only for a member identity
learnt from the dossier's events, and with the accepted terms."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.identity.app import definition as identity_service
from tests.support import dossier
from tests.support.http import client
from tests.support.identity_provider import signed_assertion
from tests.support.members import enrol
from tests.support.recorded import recorded
from tests.support.services import running

PASSWORD = "correct horse battery staple"
INSZ = "85073003328"
TERMS = "2026-01"


@pytest.fixture
async def service(database_url, kafka, provider, clock):
    async with running(identity_service, database_url, kafka, clock) as runtime:
        yield runtime


@pytest.fixture
async def identity(service):
    async with client(service) as api:
        yield api


@pytest.fixture
async def member(kafka, service):
    """The person of the assertions, a member as identity learnt from the dossier."""
    return await enrol(kafka, service, INSZ)


async def assertion(api, provider: str, **overrides) -> str:
    return await signed_assertion(
        api, provider, "/registration/nonce", **{"insz": INSZ, **overrides}
    )


def registration(id_token: str, **overrides) -> dict:
    return {
        "id_token": id_token,
        "password": PASSWORD,
        "terms_version": TERMS,
        "accept_terms": True,
        **overrides,
    }


async def test_id1_registering_with_a_digital_key_then_logging_in_with_the_national_register_number(
    identity, provider, member
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


async def test_id1_a_replayed_assertion_is_refused(identity, provider, member):
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


async def test_id1_a_person_who_is_not_a_member_is_refused_and_nothing_is_spent(
    identity, provider, service, kafka
):
    token = await assertion(identity, provider)

    refused = await identity.post("/registration", json=registration(token))

    assert refused.status_code == 403 and "only members" in refused.json()["detail"]
    assert await recorded(service, "PortalAccountRegistered") == []
    # Once the dossier enrolled the person, the same assertion still works: its nonce is unspent.
    await enrol(kafka, service, INSZ)
    assert (await identity.post("/registration", json=registration(token))).status_code == 201


async def test_id1_the_registration_records_the_person_and_the_key(
    identity, provider, service, member
):
    token = await assertion(identity, provider, method="itsme")

    await identity.post("/registration", json=registration(token, login="els"))

    [registered] = await recorded(service, "PortalAccountRegistered")
    # Named by the person id identity learnt from the dossier; the login sealed under the account.
    assert registered.payload["person_id"] == dossier.person_id(INSZ)
    assert registered.payload["login"] == "els"
    assert registered.payload["verified_by"] == "itsme"
    assert registered.actor.authenticated_by == "itsme"


async def test_id1_one_portal_account_per_person(identity, provider, member):
    first = await assertion(identity, provider)
    assert (
        await identity.post("/registration", json=registration(first, login="els"))
    ).status_code == 201

    second = await assertion(identity, provider)
    again = await identity.post("/registration", json=registration(second, login="els-2"))

    assert again.status_code == 409 and "already" in again.json()["detail"]
