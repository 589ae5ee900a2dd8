"""A local identity provider for development and tests, standing in for eID, itsme and the
other CSAM keys (ID-1): it signs OIDC-style ID tokens and publishes its keys as a JWKS.

It asks for no PIN: on one machine the person at the keyboard is trusted to be who they say.
Never configure it as a provider of a real deployment."""

from __future__ import annotations

import uuid
from typing import Literal

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from pydantic import BaseModel, Field

from shared.clock import Clock, SystemClock

ASSERTION_LIFETIME_S = 300


class AssertionRequest(BaseModel):
    national_register_number: str = Field(min_length=11, max_length=15)
    name: str = Field(min_length=1, max_length=200)
    audience: str
    nonce: str
    method: Literal["eid", "itsme", "csam"] = "eid"


def create_idp(issuer: str, clock: Clock | None = None) -> FastAPI:
    clock = clock or SystemClock()
    key = Ed25519PrivateKey.generate()
    key_id = uuid.uuid4().hex
    public_jwk = {
        **OKPAlgorithm.to_jwk(key.public_key(), as_dict=True),
        "kid": key_id,
        "alg": "EdDSA",
        "use": "sig",
    }
    app = FastAPI(title="mutualis local identity provider")

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict:
        return {"keys": [public_jwk]}

    @app.post("/assertions")
    async def assertion(request: AssertionRequest) -> dict[str, str]:
        """What the provider hands back after the person proved who they are."""
        now = int(clock.now().timestamp())
        claims = {
            "iss": issuer,
            "sub": request.national_register_number,
            "name": request.name,
            "aud": request.audience,
            "nonce": request.nonce,
            "amr": [request.method],
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_S,
        }
        return {"id_token": jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": key_id})}

    return app
