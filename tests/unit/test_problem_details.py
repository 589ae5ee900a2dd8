"""Issue 9, item 6: one error shape. Every error an API answers is RFC 9457 problem details with
a stable reason code, also those no route raises (no such route, a crash, a body too large), and
every service's OpenAPI document declares them, and a schema for every success."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from services.complaints.app import definition as complaints
from services.dossier.app import definition as dossier
from services.identity.app import definition as identity
from services.monitoring.app import definition as monitoring
from shared.http import HardenedAPI
from shared.problems import MEDIA_TYPE, Problem, problems
from shared.service import Runtime, build_app
from shared.settings import KafkaSettings, ServiceSettings

PROBLEM = {"$ref": "#/components/schemas/ProblemDetails"}


class Echo(BaseModel):
    text: str


def tiny_app() -> HardenedAPI:
    app = HardenedAPI(api_docs=True, max_body_size=1000)
    api = APIRouter()

    @api.post("/echo", responses=problems(409))
    async def echo(body: Echo) -> Echo:
        if body.text == "no":
            raise Problem(409, "refused", "not that", headers={"Retry-After": "5"})
        if body.text == "crash":
            raise RuntimeError("a bug")
        return body

    app.include_router(api)
    return app


async def answer(method: str, path: str, **request) -> httpx.Response:
    # A crash is answered, then raised again for the server to log: the client sees the answer.
    transport = httpx.ASGITransport(app=tiny_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as api:
        return await api.request(method, path, **request)


@pytest.mark.parametrize(
    ("request_", "status", "code"),
    [
        (("POST", "/echo", {"json": {"text": "no"}}), 409, "refused"),
        (("POST", "/echo", {"json": {"text": 7}}), 422, "invalid_request"),
        (("POST", "/echo", {"json": {"text": "crash"}}), 500, "internal_error"),
        (("POST", "/echo", {"json": {"text": "x" * 2000}}), 413, "body_too_large"),
        (("POST", "/echo", {"content": rb'{"text": "\ud800"}'}), 400, "unreadable_body"),
        (("GET", "/nowhere", {}), 404, "not_found"),
        (("GET", "/echo", {}), 405, "method_not_allowed"),
    ],
    ids=["raised", "invalid", "crash", "too-large", "not-text", "no-route", "wrong-method"],
)
async def test_issue9_6_every_error_is_problem_details_with_a_reason_code(request_, status, code):
    method, path, options = request_

    answered = await answer(method, path, **options)

    assert answered.headers["content-type"] == MEDIA_TYPE
    problem = answered.json()
    assert (answered.status_code, problem["status"], problem["code"]) == (status, status, code)
    assert problem["type"] == f"urn:mutualis:problem:{code}"
    assert problem["title"] and problem["detail"]


async def test_issue9_6_a_problem_keeps_its_headers_and_a_validation_error_lists_its_fields():
    refused = await answer("POST", "/echo", json={"text": "no"})
    invalid = await answer("POST", "/echo", json={})

    assert refused.headers["retry-after"] == "5"
    assert invalid.json()["errors"] == [
        {"loc": ["body", "text"], "msg": "Field required", "type": "missing"}
    ]


@pytest.mark.parametrize(
    "definition", [identity, dossier, complaints, monitoring], ids=lambda service: service.name
)
def test_issue9_6_every_operation_documents_its_problems_and_its_answer(definition, tmp_path):
    settings = ServiceSettings(
        name=definition.name,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite'}",
        kafka=KafkaSettings(),
        port=0,
    )
    document = build_app(Runtime(definition, settings)).openapi()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            responses = operation["responses"]
            assert "500" in responses, where
            if operation.get("security"):
                assert "401" in responses, where
            for status, response in responses.items():
                if status[0] in "45":
                    assert response["content"] == {MEDIA_TYPE: {"schema": PROBLEM}}, where
                elif status != "204":
                    # JSON with its schema, or a document (a PDF) named by its media type.
                    content = response["content"]
                    assert content.get("application/json", {}).get("schema") or set(content) == {
                        "application/pdf"
                    }, where
    assert "HTTPValidationError" not in document["components"]["schemas"]
