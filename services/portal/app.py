"""The member portal (issue 13): server-rendered pages over the services' HTTP APIs. It owns no
data: every page reads the services as the signed-in member, every form sends the member's
request to the service that decides, and what a service refuses is shown with its reason next
to the field it concerns. Each page works as plain HTML; htmx (`hx-boost`) only spares the
full reload. The pages live in `pages/`, one module per thing a member does."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
from cryptography.fernet import Fernet
from fastapi import FastAPI, Form, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from services.portal import i18n
from services.portal.backend import Backend, ServiceProblem
from services.portal.config import PortalSettings
from services.portal.pages import (
    account,
    booklet,
    code_registration,
    complaints,
    documents,
    inbox,
    insurances,
    invoices,
    payments,
    privacy,
    signing_in,
    staff,
)
from services.portal.session import Sessions
from services.portal.web import BadCsrf, Portal, Posted, SignIn, Web, local, session_of
from shared.private_files import create_private, private_folder

HERE = Path(__file__).parent
ASSETS = {
    "htmx.min.js": HERE / "node_modules/htmx.org/dist/htmx.min.js",
    "axe.min.js": HERE / "node_modules/axe-core/axe.min.js",
}


def session_key(settings: PortalSettings) -> bytes:
    if settings.session_key:
        return settings.session_key.get_secret_value().encode()
    path = private_folder(settings.data_dir) / "portal-session-key"
    if not path.exists():
        create_private(path, Fernet.generate_key().decode())
    return path.read_text().strip().encode()


def create_app(settings: PortalSettings, client: httpx.AsyncClient | None = None) -> FastAPI:
    web = Web(settings, Sessions(session_key(settings)))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with client or httpx.AsyncClient(timeout=30) as http:
            web.backend = Backend(settings, http)
            yield

    app = FastAPI(title="mutualis portal", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.web = web
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for pages in (
        signing_in,
        code_registration,
        account,
        booklet,
        inbox,
        payments,
        insurances,
        invoices,
        complaints,
        documents,
        privacy,
        staff,
    ):
        app.include_router(pages.router)
    # Scripts and styles from the portal only, no framing; forms post to the portal, whose
    # digital-key step redirects to the identity provider.
    policy = (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; "
        f"form-action 'self' {settings.idp_url}"
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers["content-security-policy"] = policy
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["referrer-policy"] = "same-origin"
        return response

    @app.exception_handler(SignIn)
    async def sign_in_first(request: Request, _: SignIn) -> Response:
        session = session_of(request).signed_out()
        return web.redirect(session, "/login?" + urlencode({"next": request.url.path}))

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, _: BadCsrf) -> Response:
        session = session_of(request)
        message = i18n.text(session.language, "csrf")
        return web.page(request, session, "error.html", 403, message=message)

    @app.exception_handler(ServiceProblem)
    async def service_problem(request: Request, problem: ServiceProblem) -> Response:
        session = session_of(request)
        if problem.status == 404:
            return web.not_found(request, session)
        status = problem.status if problem.status in (403, 409, 422) else 502
        message = i18n.text(session.language, "service_refused", detail=problem.detail)
        return web.page(request, session, "error.html", status, message=message)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/assets/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        """The front-end files installed from npm (services/portal/package.json)."""
        path = ASSETS.get(name)
        if path is None or not path.exists():
            return Response(status_code=404)
        return FileResponse(
            path, media_type="text/javascript", headers={"cache-control": "public, max-age=86400"}
        )

    @app.get("/")
    async def home(request: Request) -> Response:
        session = session_of(request)
        return web.redirect(session, "/booklet" if session.signed_in else "/login")

    @app.post("/language")
    async def language(
        web: Portal, session: Posted, language: str = Form("nl"), back: str = Form("/")
    ) -> Response:
        if language in i18n.LANGUAGES:
            session.language = language
        return web.redirect(session, local(back))

    return app
