"""The member's own account: a new password. Identity ends every session of the account when
the password changes (a stolen session ends with it), this one too: the member signs in again
with the new password."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal import i18n
from services.portal.backend import ServiceProblem
from services.portal.web import Portal, Posted, SignIn, session_of

router = APIRouter()


@router.get("/account")
async def account(request: Request, web: Portal) -> Response:
    session = session_of(request)
    if not session.signed_in:
        raise SignIn()
    return web.page(request, session, "settings.html", errors={})


@router.post("/account/password")
async def change_password(
    request: Request,
    web: Portal,
    session: Posted,
    current_password: str = Form(""),
    new_password: str = Form(""),
    repeated: str = Form(""),
) -> Response:
    if new_password != repeated:
        errors = {"repeated": i18n.text(session.language, "passwords_differ")}
        return web.page(request, session, "settings.html", 422, errors=errors)
    body = {"current_password": current_password, "new_password": new_password}
    try:
        await web.as_user(
            session,
            lambda token: web.backend.call(
                "POST", "identity", "/account/password", token, json=body
            ),
        )
    except ServiceProblem as problem:
        errors = problem.form_errors()
        if problem.code == "wrong_password":
            errors = {"current_password": i18n.text(session.language, "wrong_current_password")}
        return web.page(request, session, "settings.html", problem.shown_status, errors=errors)
    return web.redirect(session.signed_out(), "/login?changed=true")
