"""The booklet: the persons the member may act on and their personal data, each person's care
and savings, and the member's say over who else may see their file (ID-7)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal.backend import ServiceProblem
from services.portal.session import Session
from services.portal.web import Portal, Posted, SignIn, Web, or_none, session_of

router = APIRouter()


async def booklet_page(
    request: Request, web: Web, session: Session, status: int = 200, **context: Any
) -> Response:
    persons = await web.as_user(
        session, lambda token: web.backend.get("dossier", "/persons", token)
    )
    return web.page(request, session, "booklet.html", status, persons=persons, **context)


@router.get("/booklet")
async def booklet(request: Request, web: Portal) -> Response:
    return await booklet_page(request, web, session_of(request))


@router.post("/persons/{person_id}/contact-details")
async def change_contact_details(
    request: Request,
    web: Portal,
    person_id: str,
    session: Posted,
    email: str = Form(""),
    phone: str = Form(""),
    iban: str = Form(""),
) -> Response:
    changes = {k: v.strip() for k, v in {"email": email, "phone": phone, "iban": iban}.items() if v}
    path = f"/persons/{person_id}/contact-details"
    try:
        await web.as_user(
            session, lambda token: web.backend.call("PATCH", "dossier", path, token, json=changes)
        )
    except ServiceProblem as problem:
        errors = problem.form_errors()
        return await booklet_page(
            request, web, session, 422, editing=person_id, errors=errors, entered=changes
        )
    # Decided and kept; the dossier's read model may show it a moment later, so the page
    # shows what was saved rather than reading it back.
    return await booklet_page(
        request, web, session, editing=person_id, errors={}, entered=changes, saved=person_id
    )


@router.get("/persons/{person_id}")
async def person_page(request: Request, web: Portal, person_id: str) -> Response:
    """A person's care and savings: GMD (DOS-4), medical agreements (DOS-5), the household's
    maximum bill (DOS-6), the dental care pass (DOS-9), youth savings (DOS-7)."""
    session = session_of(request)
    backend = web.backend

    async def read(token: str) -> dict[str, Any]:
        persons = await backend.get("dossier", "/persons", token)
        person = next((p for p in persons if p["person_id"] == person_id), None)
        if person is None:
            raise ServiceProblem(404, "no_such_person", "no such person")
        path = f"/persons/{person_id}"
        found = await asyncio.gather(
            or_none(backend.get("dossier", f"{path}/gmd", token)),
            backend.get("dossier", f"{path}/medical-agreements", token),
            backend.get("payments", f"{path}/maf", token),
            backend.get("payments", f"{path}/dental-pass", token),
            or_none(backend.get("payments", f"{path}/youth-savings", token)),
        )
        keys = ("gmd", "agreements", "maf", "dental", "savings")
        return {"person": person, **dict(zip(keys, found, strict=True))}

    return web.page(request, session, "person.html", **await web.as_user(session, read))


@router.get("/access")
async def access_page(request: Request, web: Portal) -> Response:
    session = session_of(request)
    if not session.signed_in:
        raise SignIn()
    return web.page(request, session, "access.html", federation=web.settings.federation)


_ACCESS_CALLS = {
    "mandate": ("POST", "/access/mandate"),
    "withdraw": ("DELETE", "/access/mandate"),
    "refusal": ("POST", "/access/refusal"),
}


@router.post("/access/{decision}")
async def access_decision(
    request: Request, web: Portal, decision: str, session: Posted
) -> Response:
    """The member's say over the holder's access to their own file: a mandate given or
    withdrawn, or a refusal; identity decides whether the federation's policy allows it."""
    if decision not in _ACCESS_CALLS:
        return Response(status_code=404)
    method, path = _ACCESS_CALLS[decision]
    federation = web.settings.federation
    try:
        await web.as_user(session, lambda token: web.backend.call(method, "identity", path, token))
    except ServiceProblem as problem:
        return web.page(
            request,
            session,
            "access.html",
            problem.shown_status,
            federation=federation,
            refusal=problem.detail,
        )
    return web.page(request, session, "access.html", federation=federation, done=decision)
