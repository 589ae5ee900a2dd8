"""The member's complaints (CMP-11): file one, follow it, read the letters the fund sent."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal.backend import ServiceProblem
from services.portal.web import Portal, Posted, SignIn, session_of

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
) -> Response:
    entered = {"subject": subject, "description": description, "reference": reference}

    async def file(token: str) -> dict:
        me = (await web.backend.get("dossier", "/persons", token))[0]
        body = {
            "complainant_name": f"{me['first_name']} {me['last_name']}",
            "subject": subject,
            "description": description,
            "language": session.language,
            **({"reference": reference} if reference else {}),
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
    session = session_of(request)

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
    return web.page(request, session, "complaint.html", complaint=found, letters=letters)
