"""Registering with a one-time code (My LM's way, for a member without a digital key): the
member names themselves by national register number or member number and chooses where the
code goes (the e-mail address or mobile number the dossier holds, never one typed here); then
the code, a password and the terms make the account. Identity answers the first step alike
whether or not it knows the person, so the page cannot tell who is a member."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal.backend import ServiceProblem
from services.portal.pages.signing_in import NewAccount, open_account
from services.portal.session import Session
from services.portal.web import Portal, Posted, session_of

router = APIRouter()


@router.get("/register/code")
async def code_page(request: Request, web: Portal) -> Response:
    return web.page(request, session_of(request), "code_request.html", errors={}, entered={})


@router.post("/register/code")
async def request_code(
    request: Request,
    web: Portal,
    session: Posted,
    number: str = Form(""),
    channel: str = Form("email"),
) -> Response:
    """A number with 11 digits (dots and dashes allowed) is a national register number,
    anything else a member number."""
    entered = {"number": number, "channel": channel}
    digits = "".join(c for c in number if c.isdigit())
    field = "national_register_number" if len(digits) == 11 else "member_number"
    body = {field: number.strip(), "channel": channel}
    try:
        asked = (await web.backend.call("POST", "identity", "/registration/code", json=body)).json()
    except ServiceProblem as problem:
        errors = {"number": next(iter(problem.form_errors().values()))}
        return web.page(
            request,
            session,
            "code_request.html",
            problem.shown_status,
            errors=errors,
            entered=entered,
        )
    session.code_request = asked["request_id"]
    return web.redirect(session, f"/register/code/confirm?channel={channel}")


@router.get("/register/code/confirm")
async def confirm_page(request: Request, web: Portal, channel: str = "email") -> Response:
    session = session_of(request)
    if not session.code_request:
        return web.redirect(session, "/register/code")
    terms = (await web.backend.call("GET", "identity", "/terms")).json()
    return web.page(request, session, "code_confirm.html", terms=terms, channel=channel, errors={})


@router.post("/register/code/confirm")
async def confirm(
    request: Request,
    web: Portal,
    session: Posted,
    code: str = Form(""),
    password: str = Form(""),
    repeated: str = Form(""),
    terms_version: str = Form(""),
    accept_terms: bool = Form(False),
) -> Response:
    if not session.code_request:
        return web.redirect(session, "/register/code")
    proof = {"request_id": session.code_request, "code": code.strip()}
    account = NewAccount(password, repeated, terms_version, accept_terms)
    opened = await open_account(web, session, "/registration/code/confirm", proof, account)
    if isinstance(opened, Session):
        return web.redirect(opened, "/booklet")
    terms = (await web.backend.call("GET", "identity", "/terms")).json()
    return web.page(request, session, "code_confirm.html", 422, terms=terms, errors=opened)
