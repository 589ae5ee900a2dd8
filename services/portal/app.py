"""The member portal (issue 13): server-rendered pages over the services' HTTP APIs. It owns no
data: every page reads the services as the signed-in member, every form sends the member's
request to the service that decides, and what a service refuses is shown with its reason next
to the field it concerns. Each page works as plain HTML; htmx (`hx-boost`) only spares the
full reload."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import httpx
from cryptography.fernet import Fernet
from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from services.portal import i18n
from services.portal.backend import Backend, Expired, ServiceProblem
from services.portal.config import PortalSettings
from services.portal.session import COOKIE, Session, Sessions
from shared.private_files import create_private, private_folder

HERE = Path(__file__).parent
ASSETS = {
    "htmx.min.js": HERE / "node_modules/htmx.org/dist/htmx.min.js",
    "axe.min.js": HERE / "node_modules/axe-core/axe.min.js",
}


class SignIn(Exception):
    """The page needs a signed-in member, and there is none (or the session ended)."""


class BadCsrf(Exception):
    pass


def session_of(request: Request) -> Session:
    return request.app.state.sessions.read(request.cookies.get(COOKIE))


def check_csrf(session: Session, token: str) -> None:
    if not secrets.compare_digest(session.csrf, token or ""):
        raise BadCsrf()


async def posted(request: Request, csrf: str = Form("")) -> Session:
    """The session of a form sent back with the CSRF token it was given."""
    session = session_of(request)
    check_csrf(session, csrf)
    return session


Posted = Annotated[Session, Depends(posted)]


def session_key(settings: PortalSettings) -> bytes:
    if settings.session_key:
        return settings.session_key.get_secret_value().encode()
    path = private_folder(settings.data_dir) / "portal-session-key"
    if not path.exists():
        create_private(path, Fernet.generate_key().decode())
    return path.read_text().strip().encode()


def create_app(settings: PortalSettings, client: httpx.AsyncClient | None = None) -> FastAPI:
    sessions = Sessions(session_key(settings))
    templates = Jinja2Templates(directory=HERE / "templates")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with client or httpx.AsyncClient(timeout=30) as http:
            app.state.backend = Backend(settings, http)
            yield

    app = FastAPI(title="mutualis portal", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.sessions = sessions
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
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

    def backend(request: Request) -> Backend:
        return request.app.state.backend

    def page(
        request: Request, session: Session, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        language = session.language

        def t(key: str, **values: object) -> str:
            return i18n.text(language, key, **values)

        response = templates.TemplateResponse(
            request,
            template,
            {
                "session": session,
                "here": _here(request, template),
                "lang": language,
                "t": t,
                "money": lambda amount: i18n.money(amount, language),
                "day": lambda value: i18n.day(value, language),
                "moment": lambda value: i18n.moment(value, language),
                **context,
            },
            status_code=status,
        )
        sessions.write(response, session)
        return response

    def redirect(session: Session, to: str) -> RedirectResponse:
        response = RedirectResponse(to, status_code=303)
        sessions.write(response, session)
        return response

    async def as_member(
        request: Request, session: Session, work: Callable[[str], Awaitable[Any]]
    ) -> Any:
        """`work` with the member's access token, refreshed once if it expired."""
        if not session.signed_in:
            raise SignIn()
        try:
            return await work(session.access_token)
        except Expired:
            pass
        try:
            tokens = (
                await backend(request).call(
                    "POST",
                    "identity",
                    "/token/refresh",
                    json={"refresh_token": session.refresh_token},
                )
            ).json()
        except ServiceProblem:
            raise SignIn() from None
        session.access_token, session.refresh_token = (
            tokens["access_token"],
            tokens["refresh_token"],
        )
        try:
            return await work(session.access_token)
        except Expired:
            raise SignIn() from None

    @app.exception_handler(SignIn)
    async def sign_in_first(request: Request, _: SignIn) -> Response:
        session = session_of(request).signed_out()
        return redirect(session, "/login?" + urlencode({"next": request.url.path}))

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, _: BadCsrf) -> Response:
        session = session_of(request)
        return page(
            request, session, "error.html", 403, message=i18n.text(session.language, "csrf")
        )

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
        return redirect(session, "/booklet" if session.signed_in else "/login")

    @app.post("/language")
    async def language(
        request: Request, session: Posted, language: str = Form("nl"), back: str = Form("/")
    ) -> Response:
        if language in i18n.LANGUAGES:
            session.language = language
        return redirect(session, _local(back))

    # -- signing in -------------------------------------------------------------------------

    @app.get("/login")
    async def login_page(request: Request, next: str = "/booklet") -> Response:
        session = session_of(request)
        return page(request, session, "login.html", next=_local(next))

    @app.post("/login")
    async def login(
        request: Request,
        session: Posted,
        login: str = Form(""),
        password: str = Form(""),
        next: str = Form("/booklet"),
    ) -> Response:
        try:
            tokens = (
                await backend(request).call(
                    "POST", "identity", "/login", json={"login": login, "password": password}
                )
            ).json()
        except ServiceProblem as problem:
            return page(
                request,
                session,
                "login.html",
                problem.shown_status,
                next=_local(next),
                login=login,
                refusal=_login_refusal(session.language, problem),
            )
        return redirect(_signed_in(session, tokens, login), _local(next))

    @app.post("/logout")
    async def logout(request: Request, session: Posted) -> Response:
        return redirect(session.signed_out(), "/login")

    @app.get("/register")
    async def register_page(request: Request) -> Response:
        return page(request, session_of(request), "register.html")

    @app.post("/digital-key/{purpose}")
    async def digital_key(request: Request, purpose: str, session: Posted) -> Response:
        """To the identity provider (eID, itsme, CSAM; locally its stand-in) with a nonce
        identity issued, for a registration or a login."""
        if purpose not in ("register", "login"):
            return Response(status_code=404)
        step = "/registration/nonce" if purpose == "register" else "/login/nonce"
        nonce = (await backend(request).call("POST", "identity", step)).json()
        session.nonce, session.purpose = nonce["nonce"], purpose
        query = urlencode(
            {
                "nonce": nonce["nonce"],
                "audience": nonce["audience"],
                "state": session.csrf,
                "redirect_uri": str(request.url_for("digital_key_return")),
            }
        )
        return redirect(session, f"{settings.idp_url}/authorize?{query}")

    @app.get("/digital-key/return")
    async def digital_key_return(request: Request, id_token: str = "", state: str = "") -> Response:
        session = session_of(request)
        check_csrf(session, state)
        purpose, session.nonce, session.purpose = session.purpose, None, None
        if purpose == "register":
            session.id_token = id_token
            return redirect(session, "/register/account")
        if purpose != "login":
            return redirect(session, "/login")
        try:
            tokens = (
                await backend(request).call(
                    "POST", "identity", "/login/digital-key", json={"id_token": id_token}
                )
            ).json()
        except ServiceProblem as problem:
            return page(
                request,
                session,
                "login.html",
                problem.shown_status,
                next="/booklet",
                refusal=_login_refusal(session.language, problem),
            )
        return redirect(_signed_in(session, tokens, None), "/booklet")

    @app.get("/register/account")
    async def account_page(request: Request) -> Response:
        session = session_of(request)
        if not session.id_token:
            return redirect(session, "/register")
        terms = (await backend(request).call("GET", "identity", "/terms")).json()
        return page(request, session, "account.html", terms=terms)

    @app.post("/register/account")
    async def create_account(
        request: Request,
        session: Posted,
        password: str = Form(""),
        repeated: str = Form(""),
        terms_version: str = Form(""),
        accept_terms: bool = Form(False),
    ) -> Response:
        errors: dict[str, str] = {}
        if password != repeated:
            errors["repeated"] = i18n.text(session.language, "passwords_differ")
        else:
            try:
                registered = (
                    await backend(request).call(
                        "POST",
                        "identity",
                        "/registration",
                        json={
                            "id_token": session.id_token,
                            "password": password,
                            "terms_version": terms_version,
                            "accept_terms": accept_terms,
                        },
                    )
                ).json()
                tokens = (
                    await backend(request).call(
                        "POST",
                        "identity",
                        "/login",
                        json={"login": registered["login"], "password": password},
                    )
                ).json()
            except ServiceProblem as problem:
                errors = problem.form_errors()
                if problem.code == "terms_not_accepted":
                    errors = {"accept_terms": problem.detail}
            else:
                session.id_token = None
                return redirect(_signed_in(session, tokens, registered["login"]), "/booklet")
        terms = (await backend(request).call("GET", "identity", "/terms")).json()
        return page(request, session, "account.html", 422, terms=terms, errors=errors)

    # -- the booklet ------------------------------------------------------------------------

    async def booklet_page(
        request: Request, session: Session, status: int = 200, **context: Any
    ) -> Response:
        persons = await as_member(
            request, session, lambda token: backend(request).get("dossier", "/persons", token)
        )
        return page(request, session, "booklet.html", status, persons=persons, **context)

    @app.get("/booklet")
    async def booklet(request: Request) -> Response:
        return await booklet_page(request, session_of(request))

    @app.post("/persons/{person_id}/contact-details")
    async def change_contact_details(
        request: Request,
        person_id: str,
        session: Posted,
        email: str = Form(""),
        phone: str = Form(""),
        iban: str = Form(""),
    ) -> Response:
        changes = {
            k: v.strip() for k, v in {"email": email, "phone": phone, "iban": iban}.items() if v
        }
        try:
            await as_member(
                request,
                session,
                lambda token: backend(request).call(
                    "PATCH", "dossier", f"/persons/{person_id}/contact-details", token, json=changes
                ),
            )
        except ServiceProblem as problem:
            errors = problem.form_errors()
            return await booklet_page(
                request, session, 422, editing=person_id, errors=errors, entered=changes
            )
        # Decided and kept; the dossier's read model may show it a moment later, so the page
        # shows what was saved rather than reading it back.
        return await booklet_page(
            request, session, editing=person_id, errors={}, entered=changes, saved=person_id
        )

    @app.get("/persons/{person_id}")
    async def person_page(request: Request, person_id: str) -> Response:
        """A person's care and savings: GMD (DOS-4), medical agreements (DOS-5), the household's
        maximum bill (DOS-6), the dental care pass (DOS-9), youth savings (DOS-7)."""
        session = session_of(request)

        async def read(token: str) -> dict[str, Any]:
            persons = await backend(request).get("dossier", "/persons", token)
            person = next((p for p in persons if p["person_id"] == person_id), None)
            if person is None:
                raise ServiceProblem(404, "no_such_person", "no such person")
            path = f"/persons/{person_id}"
            found = await asyncio.gather(
                _or_none(backend(request).get("dossier", f"{path}/gmd", token)),
                backend(request).get("dossier", f"{path}/medical-agreements", token),
                backend(request).get("payments", f"{path}/maf", token),
                backend(request).get("payments", f"{path}/dental-pass", token),
                _or_none(backend(request).get("payments", f"{path}/youth-savings", token)),
            )
            keys = ("gmd", "agreements", "maf", "dental", "savings")
            return {"person": person, **dict(zip(keys, found, strict=True))}

        return page(request, session, "person.html", **await as_member(request, session, read))

    # -- access to other persons (ID-7) ----------------------------------------------------

    @app.get("/access")
    async def access_page(request: Request) -> Response:
        session = session_of(request)
        if not session.signed_in:
            raise SignIn()
        return page(request, session, "access.html", federation=settings.federation)

    @app.post("/access/{decision}")
    async def access_decision(request: Request, decision: str, session: Posted) -> Response:
        """The member's say over the holder's access to their own file: a mandate given or
        withdrawn, or a refusal; identity decides whether the federation's policy allows it."""
        calls = {
            "mandate": ("POST", "/access/mandate"),
            "withdraw": ("DELETE", "/access/mandate"),
            "refusal": ("POST", "/access/refusal"),
        }
        if decision not in calls:
            return Response(status_code=404)
        method, path = calls[decision]
        try:
            await as_member(
                request,
                session,
                lambda token: backend(request).call(method, "identity", path, token),
            )
        except ServiceProblem as problem:
            return page(
                request,
                session,
                "access.html",
                problem.shown_status,
                federation=settings.federation,
                refusal=problem.detail,
            )
        return page(request, session, "access.html", federation=settings.federation, done=decision)

    # -- payments ---------------------------------------------------------------------------

    @app.get("/payments")
    async def payments_page(
        request: Request, person_id: str = "", start: str = "", end: str = "", page_no: int = 1
    ) -> Response:
        session = session_of(request)

        async def read(token: str) -> tuple[list, dict]:
            persons = await backend(request).get("dossier", "/persons", token)
            history = await backend(request).get(
                "payments",
                "/history",
                token,
                person_id=person_id,
                **{"from": start, "to": end},
                page=page_no,
            )
            return persons, history

        persons, history = await as_member(request, session, read)
        return page(
            request,
            session,
            "payments.html",
            persons=persons,
            history=history,
            chosen=person_id,
            start=start,
            end=end,
        )

    @app.get("/payments/{payment_id}/receipt")
    async def receipt(request: Request, payment_id: str) -> Response:
        session = session_of(request)
        pdf = await as_member(
            request,
            session,
            lambda token: backend(request).call(
                "GET",
                "payments",
                f"/payments/{payment_id}/receipt",
                token,
                params={"language": session.language},
            ),
        )
        return Response(
            pdf.content,
            media_type="application/pdf",
            headers={"content-disposition": f'attachment; filename="receipt-{payment_id}.pdf"'},
        )

    # -- complaints -------------------------------------------------------------------------

    @app.get("/complaints")
    async def complaints_page(request: Request) -> Response:
        session = session_of(request)
        filed = await as_member(
            request, session, lambda token: backend(request).get("complaints", "/complaints", token)
        )
        return page(request, session, "complaints.html", complaints=filed)

    @app.get("/complaints/new")
    async def new_complaint(request: Request) -> Response:
        session = session_of(request)
        if not session.signed_in:
            raise SignIn()
        return page(request, session, "complaint_form.html", entered={}, errors={})

    @app.post("/complaints")
    async def file_complaint(
        request: Request,
        session: Posted,
        subject: str = Form(""),
        description: str = Form(""),
        reference: str = Form(""),
    ) -> Response:
        entered = {"subject": subject, "description": description, "reference": reference}

        async def file(token: str) -> dict:
            me = (await backend(request).get("dossier", "/persons", token))[0]
            body = {
                "complainant_name": f"{me['first_name']} {me['last_name']}",
                "subject": subject,
                "description": description,
                "language": session.language,
                **({"reference": reference} if reference else {}),
            }
            return (
                await backend(request).call("POST", "complaints", "/complaints", token, json=body)
            ).json()

        try:
            filed = await as_member(request, session, file)
        except ServiceProblem as problem:
            errors = problem.form_errors()
            return page(
                request, session, "complaint_form.html", 422, entered=entered, errors=errors
            )
        return redirect(session, f"/complaints/{filed['file_number']}?filed=true")

    @app.get("/complaints/{file_number}")
    async def complaint(request: Request, file_number: str, filed: bool = False) -> Response:
        session = session_of(request)

        async def read(token: str) -> tuple[dict, list]:
            found = await backend(request).get("complaints", f"/complaints/{file_number}", token)
            letters = await backend(request).get(
                "complaints", f"/complaints/{file_number}/letters", token
            )
            return found, letters

        try:
            found, letters = await as_member(request, session, read)
        except ServiceProblem as problem:
            if problem.status != 404:
                raise
            if filed:  # just filed: the complaints service has not shown it yet
                return page(request, session, "complaint_filed.html", file_number=file_number)
            return page(
                request,
                session,
                "error.html",
                404,
                message=i18n.text(session.language, "not_found"),
            )
        return page(request, session, "complaint.html", complaint=found, letters=letters)

    @app.exception_handler(ServiceProblem)
    async def service_problem(request: Request, problem: ServiceProblem) -> Response:
        session = session_of(request)
        status = problem.status if problem.status in (403, 404, 409, 422) else 502
        key = "not_found" if problem.status == 404 else "service_refused"
        message = i18n.text(session.language, key, detail=problem.detail)
        return page(request, session, "error.html", status, message=message)

    return app


async def _or_none(answer: Awaitable[Any]) -> Any:
    """What the service answers, or None where it has nothing (404: no GMD, no savings)."""
    try:
        return await answer
    except ServiceProblem as problem:
        if problem.status != 404:
            raise
        return None


def _signed_in(session: Session, tokens: dict, login: str | None) -> Session:
    """A new session for the member (a new CSRF token too: nothing from before signing in
    carries over but the language)."""
    fresh = Session(language=session.language)
    fresh.access_token, fresh.refresh_token = tokens["access_token"], tokens["refresh_token"]
    fresh.login = login
    return fresh


def _login_refusal(language: str, problem: ServiceProblem) -> str:
    """What the member reads when a login is refused, and what to do about it."""
    if problem.code == "access_blocked":
        reason = problem.extra.get("block_reason", "")
        key = "blocked_failed_logins" if reason == "failed_logins" else "blocked"
        return i18n.text(language, key)
    if problem.code == "too_many_attempts":
        return i18n.text(language, "too_many_attempts")
    if problem.code in ("wrong_credentials", "not_registered"):
        return i18n.text(language, problem.code)
    return problem.detail


# Where a page answering a form (a POST) is read again: the language switch goes back there.
_PAGES = {
    "access.html": "/access",
    "booklet.html": "/booklet",
    "login.html": "/login",
    "account.html": "/register/account",
    "complaint_form.html": "/complaints/new",
}


def _here(request: Request, template: str) -> str:
    if request.method == "GET":
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    return _PAGES.get(template, "/")


def _local(path: str) -> str:
    """A path of this portal to go on to; anything else (another site: `//evil.example`,
    `/\\evil.example`) goes to the booklet."""
    return path if path.startswith("/") and path[1:2] not in ("/", "\\") else "/booklet"
