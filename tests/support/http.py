"""Talking HTTP to a service's real FastAPI app in-process, and getting tokens for it."""

from __future__ import annotations

import httpx

from shared.service import Runtime, build_app


def client(runtime: Runtime) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=build_app(runtime))
    return httpx.AsyncClient(transport=transport, base_url="http://service")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
