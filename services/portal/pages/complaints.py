"""The member's complaints (CMP-11): file one, follow it, read the letters the fund sent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal.backend import ServiceProblem
from services.portal.session import Session
from services.portal.web import Portal, Posted, SignIn, Web, session_of

router = APIRouter()


@router.get("/complaints")
async def complaints_page(request: Request, web: Portal) -> Response:
    session = session_of(request)
    filed = await web.as_user(
        session, lambda token: web.backend.get("complaints", "/complaints", token)
    )
    return web.page(request, session, "complaints.html", complaints=filed)


@router.get("/complaints/new")
async def new_complaint(request: Request, web: Portal) -> Response:
    session = session_of(request)
    if not session.signed_in:
        raise SignIn()
    return web.page(request, session, "complaint_form.html", entered={}, errors={})


@router.post("/complaints")
async def file_complaint(
    request: Request,
    web: Portal,
    session: Posted,
    subject: str = Form(""),
    description: str = Form(""),
    reference: str = Form(""),
    reference_kind: str = Form("other"),
) -> Response:
    entered = {
        "subject": subject,
        "description": description,
        "reference": reference,
        "reference_kind": reference_kind,
    }

    async def file(token: str) -> dict:
        me = (await web.backend.get("dossier", "/persons", token))[0]
        body = {
            "complainant_name": f"{me['first_name']} {me['last_name']}",
            "subject": subject,
            "description": description,
            "language": session.language,
            **({"reference": {"kind": reference_kind, "text": reference}} if reference else {}),
        }
        return (
            await web.backend.call("POST", "complaints", "/complaints", token, json=body)
        ).json()

    try:
        filed = await web.as_user(session, file)
    except ServiceProblem as problem:
        errors = problem.form_errors()
        return web.page(
            request, session, "complaint_form.html", 422, entered=entered, errors=errors
        )
    return web.redirect(session, f"/complaints/{filed['file_number']}?filed=true")


@router.get("/complaints/{file_number}")
async def complaint(
    request: Request, web: Portal, file_number: str, filed: bool = False
) -> Response:
    return await complaint_page(request, web, session_of(request), file_number, filed=filed)


@router.post("/complaints/{file_number}/escalation")
async def escalate(
    request: Request, web: Portal, file_number: str, session: Posted, disagreement: str = Form("")
) -> Response:
    """The member disagrees with the fund's answer: the mediator re-examines it (CMP-7)."""
    path, body = f"/complaints/{file_number}/escalation", {"disagreement": disagreement}
    try:
        await web.as_user(
            session, lambda token: web.backend.call("POST", "complaints", path, token, json=body)
        )
    except ServiceProblem as problem:
        if problem.status == 404:
            raise
        errors = problem.form_errors()
        return await complaint_page(
            request, web, session, file_number, problem.shown_status, errors=errors, entered=body
        )
    return await complaint_page(request, web, session, file_number, escalated=True)


async def complaint_page(
    request: Request,
    web: Web,
    session: Session,
    file_number: str,
    status: int = 200,
    filed: bool = False,
    **context: Any,
) -> Response:
    async def read(token: str) -> tuple[dict, list]:
        path = f"/complaints/{file_number}"
        found = await web.backend.get("complaints", path, token)
        return found, await web.backend.get("complaints", f"{path}/letters", token)

    try:
        found, letters = await web.as_user(session, read)
    except ServiceProblem as problem:
        if problem.status != 404:
            raise
        if filed:  # just filed: the complaints service has not shown it yet
            return web.page(request, session, "complaint_filed.html", file_number=file_number)
        return web.not_found(request, session)
    context = {"errors": {}, "entered": {}, **context}
    return web.page(
        request, session, "complaint.html", status, complaint=found, letters=letters, **context
    )
