"""Issue 8, items 7 and 8: whatever arrives over HTTP gets a precise 4xx that echoes nothing
and changes nothing (an unpaired surrogate, a 10 MB body, a date beyond the calendar), and
every response carries the security headers; the API docs are off in production."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import APIRouter

from services.complaints.app import definition as complaints_service
from services.identity.app import definition as identity_service
from shared.http import SECURITY_HEADERS
from shared.service import Runtime, ServiceDefinition, build_app
from tests.support.http import client
from tests.support.services import running, settings_for

SECRET = "my-secret-passphrase-"
JSON = {"content-type": "application/json"}
DOCS = ("/docs", "/redoc", "/openapi.json")


@pytest.fixture
async def identity(database_url, kafka):
    async with running(identity_service, database_url, kafka) as runtime:
        yield runtime


async def events_in(runtime: Runtime) -> int:
    async with runtime.database.read() as conn:
        return len(await runtime.store.read_all(conn, limit=100_000, settled=False))


@pytest.mark.parametrize(
    "body",
    [
        rb'{"login": "\ud800", "password": "x"}',
        rb'{"login": "els", "password": "x\udfff"}',
        rb'{"login": "els", "password": "x", "\ud800": 1}',
        # The surrogate written as UTF-8 bytes rather than escaped: Python's JSON reads it.
        b'{"login": "\xed\xa0\x80", "password": "x"}',
    ],
    ids=["escaped-login", "escaped-password", "in-a-key", "utf8-encoded"],
)
async def test_issue8_7_lone_surrogate_in_login_is_400(identity, body):
    before = await events_in(identity)
    async with client(identity) as api:
        answer = await api.post("/login", content=body, headers=JSON)

    assert answer.status_code == 400, answer.text
    assert "unpaired surrogate" in answer.json()["detail"]
    assert await events_in(identity) == before


async def test_issue8_7_a_deeply_nested_body_is_400(identity):
    async with client(identity) as api:
        answer = await api.post("/login", content=b"[" * 100_000, headers=JSON)

    assert answer.status_code == 400, answer.text


async def test_issue8_7_validation_errors_never_echo_the_input(identity):
    too_long = SECRET * 20  # longer than a password may be
    async with client(identity) as api:
        answer = await api.post("/login", json={"login": "els", "password": too_long})
        not_json = await api.post("/login", content=b'{"login": ' + SECRET.encode(), headers=JSON)

    assert answer.status_code == 422
    assert SECRET not in answer.text
    [problem] = answer.json()["errors"]
    assert problem == {
        "type": "string_too_long",
        "loc": ["body", "password"],
        "msg": "String should have at most 256 characters",
    }
    assert not_json.status_code == 422 and SECRET not in not_json.text


async def test_issue8_7_a_10_mb_body_is_413_and_not_echoed(identity):
    huge = {"login": "els", "password": SECRET * 500_000}
    before = await events_in(identity)

    async def chunks():
        """The same body sent in chunks, without saying its length up front."""
        encoded = json.dumps(huge).encode()
        for start in range(0, len(encoded), 1 << 16):
            yield encoded[start : start + (1 << 16)]

    async with client(identity) as api:
        declared = await api.post("/login", json=huge)
        streamed = await api.post("/login", content=chunks(), headers=JSON)

    for answer in (declared, streamed):
        assert answer.status_code == 413, answer.text[:200]
        assert SECRET not in answer.text
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert await events_in(identity) == before


async def test_issue8_7_a_body_within_the_limit_is_read_as_before(identity):
    """The largest body the limit lets through still reaches the route, whole."""
    limit = identity.settings.max_request_bytes
    body = {"login": "els", "password": "x"}
    padding = limit - len(json.dumps({**body, "pad": ""}).encode())
    async with client(identity) as api:
        answer = await api.post("/login", json={**body, "pad": "p" * padding})

    assert answer.status_code == 401, answer.text  # unknown login: the route decided


async def test_issue8_7_a_report_period_beyond_the_calendar_is_422(database_url, kafka, signer):
    handler = {"Authorization": f"Bearer {signer.token('complaints_handler')}"}
    async with running(complaints_service, database_url, kafka) as complaints:
        await signer.known_by(complaints)
        async with client(complaints) as api:

            async def report(start: str, end: str) -> httpx.Response:
                params = {"start": start, "end": end}
                return await api.get("/complaints/report", params=params, headers=handler)

            last_day = await report("2026-01-01", "9999-12-31")
            first_day = await report("0001-01-01", "2026-01-01")
            widest = await report("1900-01-01", "9999-12-30")

    assert last_day.status_code == 422, last_day.text
    assert last_day.json()["errors"][0]["loc"] == ["query", "end"]
    assert first_day.status_code == 422, first_day.text
    assert first_day.json()["errors"][0]["loc"] == ["query", "start"]
    assert widest.status_code == 200, widest.text
    assert widest.json()["total"] == 0


async def test_issue8_8_every_response_carries_the_security_headers(identity, signer):
    await signer.known_by(identity)
    async with client(identity) as api:
        answers = {
            "ok": await api.get("/healthz"),
            "tokens": await api.post("/registration/nonce"),
            "unauthenticated": await api.get("/access/persons"),
            "unknown route": await api.get("/nowhere"),
            "invalid": await api.post("/login", json={}),
            "too large": await api.post("/login", content=b"x" * (1 << 20), headers=JSON),
            "not text": await api.post("/login", content=rb'"\ud800"', headers=JSON),
            "openapi": await api.get("/openapi.json"),
        }

    for what, answer in answers.items():
        shown = {name: answer.headers.get(name) for name in SECURITY_HEADERS}
        assert shown == SECURITY_HEADERS, f"{what} ({answer.status_code}): {shown}"


async def test_issue8_8_the_docs_page_may_load_its_script_but_not_be_framed(identity):
    async with client(identity) as api:
        docs = await api.get("/docs")

    assert docs.status_code == 200
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert docs.headers["x-frame-options"] == "DENY"
    assert docs.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("setting", "served"),
    [
        ({}, True),
        ({"environment": "production"}, False),
        ({"environment": "production", "api_docs": True}, True),
        ({"api_docs": False}, False),
    ],
)
async def test_issue8_8_api_docs_are_off_in_production(tmp_path, kafka, setting, served):
    database = f"sqlite+aiosqlite:///{tmp_path / 'identity.sqlite'}"
    settings = settings_for("identity", database, kafka).model_copy(update=setting)
    runtime = Runtime(identity_service, settings)  # not started: the routes exist without
    try:
        transport = httpx.ASGITransport(app=build_app(runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as api:
            statuses = {page: (await api.get(page)).status_code for page in DOCS}
            health = await api.get("/healthz")
    finally:
        await runtime.database.dispose()

    assert statuses == dict.fromkeys(DOCS, 200 if served else 404)
    assert health.status_code == 200


async def test_issue8_8_an_unexpected_error_is_a_500_with_the_headers_and_no_trace(tmp_path, kafka):
    def failing(_runtime) -> APIRouter:
        api = APIRouter()

        @api.get("/fails")
        async def fails() -> None:
            raise RuntimeError("a secret detail of the failure")

        return api

    database = f"sqlite+aiosqlite:///{tmp_path / 'identity.sqlite'}"
    definition = ServiceDefinition(name="identity", routers=[failing])
    runtime = Runtime(definition, settings_for("identity", database, kafka))
    try:
        # As a server does: the error goes to its log, the caller gets the 500.
        app = httpx.ASGITransport(app=build_app(runtime), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=app, base_url="http://service") as api:
            failed = await api.get("/fails")
    finally:
        await runtime.database.dispose()

    assert failed.status_code == 500
    assert "secret" not in failed.text
    assert {name: failed.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS


def test_issue8_8_production_is_told_by_the_environment(monkeypatch):
    from shared.settings import ServiceSettings

    monkeypatch.setenv("MUTUALIS_ENVIRONMENT", "production")
    assert not ServiceSettings.for_service("identity", database_url="sqlite://").serves_api_docs
    monkeypatch.setenv("IDENTITY_API_DOCS", "true")
    assert ServiceSettings.for_service("identity", database_url="sqlite://").serves_api_docs
    monkeypatch.setenv("MUTUALIS_ENVIRONMENT", "staging")
    with pytest.raises(ValueError):
        ServiceSettings.for_service("identity", database_url="sqlite://")
