"""What every page of the portal shares: the sealed session of the request, the CSRF check of a
form, the rendering of a page in the member's language, and the calls to the services as the
signed-in user (their access token refreshed once when it ran out)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.portal import i18n
from services.portal.backend import Backend, Expired, ServiceProblem
from services.portal.config import PortalSettings
from services.portal.session import COOKIE, Session, Sessions
from services.portal.staff_commands import Commands

TEMPLATES = Path(__file__).parent / "templates"


class SignIn(Exception):
    """The page needs a signed-in user, and there is none (or the session ended)."""


class BadCsrf(Exception):
    pass


def session_of(request: Request) -> Session:
    return request.app.state.web.sessions.read(request.cookies.get(COOKIE))


def check_csrf(session: Session, token: str) -> None:
    if not secrets.compare_digest(session.csrf, token or ""):
        raise BadCsrf()


async def posted(request: Request, csrf: str = Form("")) -> Session:
    """The session of a form sent back with the CSRF token it was given."""
    session = session_of(request)
    check_csrf(session, csrf)
    return session


Posted = Annotated[Session, Depends(posted)]


class Web:
    """The portal's means, one per app (`request.app.state.web`)."""

    def __init__(self, settings: PortalSettings, sessions: Sessions) -> None:
        self.settings = settings
        self.sessions = sessions
        self.templates = Jinja2Templates(directory=TEMPLATES)
        self.commands = Commands(settings)
        self.backend: Backend  # set while the app runs (its HTTP client's lifetime)

    def page(
        self, request: Request, session: Session, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        language = session.language

        def t(key: str, **values: object) -> str:
            return i18n.text(language, key, **values)

        response = self.templates.TemplateResponse(
            request,
            template,
            {
                "session": session,
                "here": _here(request, template),
                "lang": language,
                "t": t,
                "money": lambda amount: i18n.money(amount, language),
                "day": lambda value: i18n.day(value, language),
                "month": lambda value: i18n.month(value, language),
                "moment": lambda value: i18n.moment(value, language),
                **context,
            },
            status_code=status,
        )
        self.sessions.write(response, session)
        return response

    async def fetched(
        self,
        session: Session,
        service: str,
        path: str,
        media_type: str,
        filename: str,
        **params: Any,
    ) -> Response:
        """A file a service makes (a PDF, an XML), fetched as the member and handed to them."""
        made = await self.as_user(
            session, lambda token: self.backend.call("GET", service, path, token, params=params)
        )
        return self.download(session, made.content, media_type, filename)

    def redirect(self, session: Session, to: str) -> RedirectResponse:
        response = RedirectResponse(to, status_code=303)
        self.sessions.write(response, session)
        return response

    def download(
        self, session: Session, content: bytes, media_type: str, filename: str
    ) -> Response:
        """A file for the member to keep, with the session as it now is: a token refreshed to
        fetch it must reach the cookie, or the next page would refresh with a spent one."""
        response = Response(
            content,
            media_type=media_type,
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )
        self.sessions.write(response, session)
        return response

    def not_found(self, request: Request, session: Session) -> HTMLResponse:
        message = i18n.text(session.language, "not_found")
        return self.page(request, session, "error.html", 404, message=message)

    async def as_user(self, session: Session, work: Callable[[str], Awaitable[Any]]) -> Any:
        """`work` with the user's access token, refreshed once if it expired."""
        if not session.signed_in:
            raise SignIn()
        try:
            return await work(session.access_token)
        except Expired:
            pass
        try:
            refresh = {"refresh_token": session.refresh_token}
            tokens = (
                await self.backend.call("POST", "identity", "/token/refresh", json=refresh)
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


def web(request: Request) -> Web:
    return request.app.state.web


Portal = Annotated[Web, Depends(web)]


async def or_none(answer: Awaitable[Any]) -> Any:
    """What the service answers, or None where it has nothing (404: no GMD, no savings)."""
    try:
        return await answer
    except ServiceProblem as problem:
        if problem.status != 404:
            raise
        return None


# Where a page answering a form (a POST) is read again: the language switch goes back there.
_PAGES = {
    "access.html": "/access",
    "booklet.html": "/booklet",
    "login.html": "/login",
    "account.html": "/register/account",
    "complaint_form.html": "/complaints/new",
    "settings.html": "/account",
    "privacy.html": "/privacy",
    "invoice_delivery.html": "/invoice-delivery",
    "inbox.html": "/inbox",
}


def _here(request: Request, template: str) -> str:
    if request.method == "GET":
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    return _PAGES.get(template, "/")


def local(path: str) -> str:
    """A path of this portal to go on to; anything else (another site: `//evil.example`,
    `/\\evil.example`) goes to the booklet."""
    return path if path.startswith("/") and path[1:2] not in ("/", "\\") else "/booklet"
