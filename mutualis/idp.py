"""A local identity provider for development and tests, standing in for eID, itsme and the
other CSAM keys (ID-1): it signs OIDC-style ID tokens and publishes its keys as a JWKS.

It asks for no PIN: on one machine the person at the keyboard is trusted to be who they say.
Never configure it as a provider of a real deployment."""

from __future__ import annotations

import html
import uuid
from typing import Literal
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Form, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse
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

    def signed(request: AssertionRequest) -> str:
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
        return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": key_id})

    @app.post("/assertions")
    async def assertion(request: AssertionRequest) -> dict[str, str]:
        """What the provider hands back after the person proved who they are."""
        return {"id_token": signed(request)}

    @app.get("/authorize", response_class=HTMLResponse)
    async def authorize_page(
        nonce: str, audience: str, redirect_uri: str, state: str = ""
    ) -> HTMLResponse:
        """The page a browser is sent to (a portal's registration or login): the person says
        who they are, as they would with their eID card or itsme app."""
        _local_only(redirect_uri)
        hidden = "".join(
            f'<input type="hidden" name="{n}" value="{html.escape(v)}">'
            for n, v in (
                ("nonce", nonce),
                ("audience", audience),
                ("redirect_uri", redirect_uri),
                ("state", state),
            )
        )
        return HTMLResponse(_PAGE.format(hidden=hidden))

    @app.post("/authorize")
    async def authorize(
        nonce: str = Form(),
        audience: str = Form(),
        redirect_uri: str = Form(),
        state: str = Form(""),
        national_register_number: str = Form(),
        name: str = Form(),
        method: Literal["eid", "itsme", "csam"] = Form("eid"),
    ) -> RedirectResponse:
        _local_only(redirect_uri)
        token = signed(
            AssertionRequest(
                national_register_number=national_register_number,
                name=name,
                audience=audience,
                nonce=nonce,
                method=method,
            )
        )
        query = urlencode({"id_token": token, "state": state})
        return RedirectResponse(f"{redirect_uri}?{query}", status_code=303)

    return app


def _local_only(redirect_uri: str) -> None:
    """This stand-in hands its assertions to a portal on this machine only."""
    if urlsplit(redirect_uri).hostname not in ("127.0.0.1", "localhost"):
        raise HTTPException(400, "redirect_uri must be on this machine")


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local identity provider</title></head>
<body><main>
<h1>Local identity provider</h1>
<p>A stand-in for eID, itsme and CSAM on a developer's machine: say who you are.</p>
<form method="post" action="/authorize">{hidden}
<p><label for="nrn">National register number</label>
<input id="nrn" name="national_register_number" required autocomplete="off"></p>
<p><label for="name">Name</label> <input id="name" name="name" required></p>
<p><label for="method">Key</label>
<select id="method" name="method"><option value="eid">eID</option>
<option value="itsme">itsme</option><option value="csam">CSAM</option></select></p>
<p><button type="submit">Confirm</button></p>
</form></main></body></html>
"""
