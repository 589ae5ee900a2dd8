"""What every service's HTTP API does to whatever arrives, before and after its routes: bodies
are size-limited (413) and must be text (400), validation errors never echo the input (422),
and every response carries security headers."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    """A FastAPI app whose every response carries the security headers: also the 413 of the
    body limit and the 500 of an unexpected error, which its outermost middleware answers."""

    def __init__(self, *, api_docs: bool, max_body_size: int, **options) -> None:
        if not api_docs:
            options.update(docs_url=None, redoc_url=None, openapi_url=None)
        super().__init__(max_body_size=max_body_size, **options)
        pages = (self.docs_url, self.redoc_url, self.swagger_ui_oauth2_redirect_url)
        self.docs_paths = frozenset(page for page in pages if page and api_docs)
        self.add_middleware(RefuseUnreadableJson)
        self.add_exception_handler(RequestValidationError, validation_failed)

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), self.docs_paths)


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


class RefuseUnreadableJson:
    """Refuses a JSON body that parses but holds no text: an unpaired surrogate (`"\\ud800"`)
    is valid JSON, yet no string can be written, logged or stored, so it would fail deep in a
    route. The body is read here (within the app's size limit) and handed on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        received = await _whole_body(receive)
        problem = _not_text(received["body"]) if received["type"] == "http.request" else None
        if problem:
            return await JSONResponse({"detail": problem}, 400)(scope, receive, send)
        pending = [received]

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)


async def _whole_body(receive: Receive) -> Message:
    """The request's body as one message (or the disconnect that cut it short)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return message
        chunks.append(message.get("body", b""))
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


async def validation_failed(_request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 without the `input` (a password, a 10 MB string) or the `ctx` (which can
    hold it too): where and what is wrong is enough to put it right."""
    detail = [
        {"type": problem["type"], "loc": list(problem["loc"]), "msg": problem["msg"]}
        for problem in error.errors()
    ]
    return JSONResponse({"detail": detail}, 422)
