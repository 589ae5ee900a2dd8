"""What every service's HTTP API does to whatever arrives, before and after its routes: bodies
are size-limited (413) and must be text (400), validation errors never echo the input (422),
every error is answered and documented as problem details (shared.problems), and every
response carries security headers."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import get_logger
from shared.problems import MEDIA_TYPE, InvalidField, Problem, ProblemDetails, code_for

log = get_logger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Answers carry tokens and personal data: no cache, shared or private, keeps them.
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # An API answers data, never a page: nothing in a response may load or run.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# The interactive docs (never on in production) are a page that loads its script and styles
# from a CDN and runs inline script; they may still not be framed.
DOCS_POLICY = "frame-ancestors 'none'"


class HardenedAPI(FastAPI):
    """A FastAPI app whose every response carries the security headers: also the 500 of an
    unexpected error, which its outermost middleware answers."""

    def __init__(self, *, api_docs: bool, max_body_size: int, **options) -> None:
        if not api_docs:
            options.update(docs_url=None, redoc_url=None, openapi_url=None)
        super().__init__(**options)
        pages = (self.docs_url, self.redoc_url, self.swagger_ui_oauth2_redirect_url)
        self.docs_paths = frozenset(page for page in pages if page and api_docs)
        self.add_middleware(ReadableBody, max_body_size=max_body_size)
        self.add_exception_handler(Problem, problem_answered)
        self.add_exception_handler(HTTPException, http_error)
        self.add_exception_handler(RequestValidationError, validation_failed)
        self.add_exception_handler(Exception, unexpected_error)

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), self.docs_paths)

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            document_problems(super().openapi())
        return self.openapi_schema


class SecurityHeaders:
    """Adds the security headers to a response that has not set them itself."""

    def __init__(self, app: ASGIApp, docs_paths: frozenset[str]) -> None:
        self.app, self.docs_paths = app, docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        docs = scope["path"] in self.docs_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if docs:
                    headers["Content-Security-Policy"] = DOCS_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ReadableBody:
    """Reads the request's body whole before any route, and refuses one larger than the limit
    (413; by its Content-Length before a byte is read) and a JSON body that parses but holds
    no text: an unpaired surrogate (`"\\ud800"`) is valid JSON, yet no string can be written,
    logged or stored, so it would fail deep in a route. The body is handed on unchanged."""

    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        self.app, self.max_body_size = app, max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = Headers(scope=scope).get("content-length", "0")
        received = None
        if not declared.isdigit() or int(declared) <= self.max_body_size:
            received = await _whole_body(receive, self.max_body_size)
        if received is None:
            too_large = Problem(413, "body_too_large", "the body is larger than this API takes")
            return await answer_problem(too_large)(scope, receive, send)
        problem = _not_text(received["body"]) if received["type"] == "http.request" else None
        if problem:
            unreadable = Problem(400, "unreadable_body", problem)
            return await answer_problem(unreadable)(scope, receive, send)
        pending = [received]

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)


async def _whole_body(receive: Receive, limit: int) -> Message | None:
    """The request's body as one message (or the disconnect that cut it short); None once it
    is longer than `limit`."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return message
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None
        if not message.get("more_body", False):
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}


def _not_text(body: bytes) -> str | None:
    if not body:
        return None
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode()
    except RecursionError:
        return "the JSON body is nested too deeply"
    except UnicodeEncodeError:
        return "the JSON body holds an unpaired surrogate (\\ud800-\\udfff), which is no character"
    except ValueError:
        return None  # not JSON at all: the route says what it expects
    return None


def answer_problem(problem: Problem) -> JSONResponse:
    document = problem.document().model_dump(mode="json", exclude_none=True)
    return JSONResponse(document, problem.status, problem.headers, media_type=MEDIA_TYPE)


async def problem_answered(_request: Request, problem: Problem) -> JSONResponse:
    return answer_problem(problem)


async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
    """Starlette's own errors (no such route, method not allowed) in the one shape."""
    detail = error.detail if isinstance(error.detail, str) else code_for(error.status_code)
    return answer_problem(
        Problem(error.status_code, code_for(error.status_code), detail, headers=error.headers)
    )


async def validation_failed(_request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 without the `input` (a password, a 10 MB string) or the `ctx` (which can
    hold it too): where and what is wrong is enough to put it right."""
    errors = [
        InvalidField(type=problem["type"], loc=list(problem["loc"]), msg=problem["msg"])
        for problem in error.errors()
    ]
    where = ", ".join(".".join(map(str, field.loc)) for field in errors)
    return answer_problem(
        Problem(422, "invalid_request", f"invalid or missing: {where}", errors=errors)
    )


async def unexpected_error(request: Request, _error: Exception) -> JSONResponse:
    # Starlette logs the exception with its traceback after this answer is sent.
    log.error("http.unexpected_error", path=request.url.path)
    return answer_problem(Problem(500, "internal_error", "an unexpected error; it is logged"))


PROBLEM_SCHEMA = {"$ref": "#/components/schemas/ProblemDetails"}


def document_problems(schema: dict[str, Any]) -> None:
    """Every error an operation can answer, documented as problem details: those its route
    declares (`problems(...)`), and those of every route: a crash (500), a body too large
    or not text (413, 400), a missing or invalid token where one is asked for (401)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}), ProblemDetails=problem)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            statuses = {"500"}
            if "requestBody" in operation:
                statuses |= {"400", "413"}
            if operation.get("security"):
                statuses.add("401")
            responses = operation["responses"]
            for status in statuses:
                responses.setdefault(status, {"description": HTTPStatus(int(status)).phrase})
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
