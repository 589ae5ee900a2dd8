"""The local identity provider (stand-in for eID, itsme, CSAM) served over real HTTP, and the
assertions it signs for a nonce the identity service issued."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import httpx
import uvicorn

from mutualis.idp import create_idp
from shared.clock import Clock
from shared.messaging.local_broker import free_port


@asynccontextmanager
async def identity_provider(clock: Clock):
    """Yields the provider's issuer URL while it serves; it signs at `clock`'s time."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        create_idp(issuer, clock), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield issuer
    finally:
        server.should_exit = True
        await serving


async def signed_assertion(
    api: httpx.AsyncClient, issuer: str, nonce_path: str, insz: str, **overrides
) -> str:
    """The provider's ID token for a nonce from `nonce_path` of the identity service."""
    nonce = (await api.post(nonce_path)).json()
    request = {
        "national_register_number": insz,
        "name": "Els Peeters",
        "audience": nonce["audience"],
        "nonce": nonce["nonce"],
        **overrides,
    }
    async with httpx.AsyncClient() as http:
        return (await http.post(f"{issuer}/assertions", json=request)).json()["id_token"]


async def register_with_digital_key(
    api: httpx.AsyncClient, issuer: str, insz: str, password: str, **overrides
) -> httpx.Response:
    """A member's registration (ID-1) with the provider's assertion and the portal's terms
    accepted; the login is left to its default, the national register number."""
    id_token = await signed_assertion(api, issuer, "/registration/nonce", insz, **overrides)
    registration = {
        "id_token": id_token,
        "password": password,
        "terms_version": "2026-01",
        "accept_terms": True,
    }
    return await api.post("/registration", json=registration)
