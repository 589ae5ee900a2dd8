"""Signing in: with a password, or with a digital key through the identity provider (eID,
itsme, CSAM; locally its stand-in), and registering an account with one."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal import i18n
from services.portal.backend import ServiceProblem
from services.portal.session import Session
from services.portal.web import Portal, Posted, Web, check_csrf, local, session_of

router = APIRouter()


@router.get("/login")
async def login_page(request: Request, web: Portal, next: str = "/booklet") -> Response:
    return web.page(request, session_of(request), "login.html", next=local(next))


@router.post("/login")
async def login(
    request: Request,
    web: Portal,
    session: Posted,
    login: str = Form(""),
    password: str = Form(""),
    next: str = Form("/booklet"),
) -> Response:
    try:
        credentials = {"login": login, "password": password}
        tokens = (await web.backend.call("POST", "identity", "/login", json=credentials)).json()
    except ServiceProblem as problem:
        return web.page(
            request,
            session,
            "login.html",
            problem.shown_status,
            next=local(next),
            login=login,
            refusal=login_refusal(session.language, problem),
        )
    return web.redirect(signed_in(session, tokens, login), local(next))


@router.post("/logout")
async def logout(web: Portal, session: Posted) -> Response:
    return web.redirect(session.signed_out(), "/staff/login" if session.staff else "/login")


@router.get("/register")
async def register_page(request: Request, web: Portal) -> Response:
    return web.page(request, session_of(request), "register.html")


@router.post("/digital-key/{purpose}")
async def digital_key(request: Request, web: Portal, purpose: str, session: Posted) -> Response:
    """To the identity provider with a nonce identity issued, for a registration or a login."""
    if purpose not in ("register", "login"):
        return Response(status_code=404)
    step = "/registration/nonce" if purpose == "register" else "/login/nonce"
    nonce = (await web.backend.call("POST", "identity", step)).json()
    session.nonce, session.purpose = nonce["nonce"], purpose
    query = urlencode(
        {
            "nonce": nonce["nonce"],
            "audience": nonce["audience"],
            "state": session.csrf,
            "redirect_uri": str(request.url_for("digital_key_return")),
        }
    )
    return web.redirect(session, f"{web.settings.idp_url}/authorize?{query}")


@router.get("/digital-key/return")
async def digital_key_return(
    request: Request, web: Portal, id_token: str = "", state: str = ""
) -> Response:
    session = session_of(request)
    check_csrf(session, state)
    purpose, session.nonce, session.purpose = session.purpose, None, None
    if purpose == "register":
        session.id_token = id_token
        return web.redirect(session, "/register/account")
    if purpose != "login":
        return web.redirect(session, "/login")
    try:
        tokens = (
            await web.backend.call(
                "POST", "identity", "/login/digital-key", json={"id_token": id_token}
            )
        ).json()
    except ServiceProblem as problem:
        return web.page(
            request,
            session,
            "login.html",
            problem.shown_status,
            next="/booklet",
            refusal=login_refusal(session.language, problem),
        )
    return web.redirect(signed_in(session, tokens, None), "/booklet")


@router.get("/register/account")
async def account_page(request: Request, web: Portal) -> Response:
    session = session_of(request)
    if not session.id_token:
        return web.redirect(session, "/register")
    terms = (await web.backend.call("GET", "identity", "/terms")).json()
    return web.page(request, session, "account.html", terms=terms)


@router.post("/register/account")
async def create_account(
    request: Request,
    web: Portal,
    session: Posted,
    password: str = Form(""),
    repeated: str = Form(""),
    terms_version: str = Form(""),
    accept_terms: bool = Form(False),
) -> Response:
    proof = {"id_token": session.id_token}
    account = NewAccount(password, repeated, terms_version, accept_terms)
    opened = await open_account(web, session, "/registration", proof, account)
    if isinstance(opened, Session):
        return web.redirect(opened, "/booklet")
    terms = (await web.backend.call("GET", "identity", "/terms")).json()
    return web.page(request, session, "account.html", 422, terms=terms, errors=opened)


@dataclass(frozen=True)
class NewAccount:
    """What every way of registering asks besides the proof of who the member is."""

    password: str
    repeated: str
    terms_version: str
    accept_terms: bool


async def open_account(
    web: Web, session: Session, path: str, proof: dict, account: NewAccount
) -> Session | dict[str, str]:
    """Registers with identity (`path`, with the `proof` of who the member is) and signs the
    new account in: the member's new session, or the form's errors by field."""
    if account.password != account.repeated:
        return {"repeated": i18n.text(session.language, "passwords_differ")}
    body = {
        **proof,
        "password": account.password,
        "terms_version": account.terms_version,
        "accept_terms": account.accept_terms,
    }
    try:
        registered = (await web.backend.call("POST", "identity", path, json=body)).json()
        credentials = {"login": registered["login"], "password": account.password}
        tokens = (await web.backend.call("POST", "identity", "/login", json=credentials)).json()
    except ServiceProblem as problem:
        if problem.code == "terms_not_accepted":
            return {"accept_terms": problem.detail}
        if problem.code == "wrong_code":
            return {"code": i18n.text(session.language, "wrong_code")}
        return problem.form_errors()
    return signed_in(session, tokens, registered["login"])


def signed_in(session: Session, tokens: dict, login: str | None) -> Session:
    """A new session for the member (a new CSRF token too: nothing from before signing in
    carries over but the language)."""
    fresh = Session(language=session.language)
    fresh.access_token, fresh.refresh_token = tokens["access_token"], tokens["refresh_token"]
    fresh.login = login
    return fresh


def login_refusal(language: str, problem: ServiceProblem) -> str:
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
