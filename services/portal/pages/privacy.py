"""The member's rights over their data (DOS-12, GDPR art. 15-22): a copy of everything the fund
keeps of a person (download), rectification, erasure, restriction, objection, a human review
of an automated decision; each answered within a month, followed here."""

from __future__ import annotations

import json
from typing import get_args

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal.backend import ServiceProblem
from services.portal.session import Session
from services.portal.web import Portal, Posted, Web, session_of
from shared.contracts.privacy import AutomatedDecision, Right

router = APIRouter()

RIGHTS = get_args(Right)
DECISIONS = get_args(AutomatedDecision)


async def privacy_page(
    request: Request, web: Web, session: Session, status: int = 200, **context
) -> Response:
    async def read(token: str) -> tuple[list, list]:
        persons = await web.backend.get("dossier", "/persons", token)
        return persons, await web.backend.get("dossier", "/privacy/requests", token)

    persons, requests = await web.as_user(session, read)
    context = {"errors": {}, "entered": {}, **context}
    return web.page(
        request,
        session,
        "privacy.html",
        status,
        persons=persons,
        requests=requests,
        rights=RIGHTS,
        decisions=DECISIONS,
        **context,
    )


@router.get("/privacy")
async def privacy(request: Request, web: Portal, submitted: str = "") -> Response:
    return await privacy_page(request, web, session_of(request), submitted=submitted)


@router.post("/privacy")
async def submit(
    request: Request,
    web: Portal,
    session: Posted,
    person_id: str = Form(""),
    right: str = Form(""),
    decision: str = Form(""),
    details: str = Form(""),
) -> Response:
    entered = {"person_id": person_id, "right": right, "decision": decision, "details": details}
    body = {k: v.strip() for k, v in entered.items() if v.strip()}
    if right != "human_review":
        body.pop("decision", None)
    try:
        submitted = await web.as_user(
            session,
            lambda token: web.backend.call(
                "POST", "dossier", "/privacy/requests", token, json=body
            ),
        )
    except ServiceProblem as problem:
        errors = problem.form_errors()
        if right == "human_review" and not body.get("decision"):  # the refusal says why
            errors = {"decision": problem.detail}
        return await privacy_page(
            request, web, session, problem.shown_status, errors=errors, entered=entered
        )
    return web.redirect(session, f"/privacy?submitted={submitted.json()['due_on']}")


@router.get("/privacy/requests/{request_id}/copy")
async def copy(request: Request, web: Portal, request_id: str) -> Response:
    """The copy an access request made, as the JSON the services gave (art. 20: in a
    structured, machine-readable form)."""
    session = session_of(request)
    path = f"/privacy/requests/{request_id}/export"
    try:
        made = await web.as_user(session, lambda token: web.backend.get("dossier", path, token))
    except ServiceProblem as problem:
        if problem.status not in (409, 410):
            raise
        return await privacy_page(request, web, session, problem.status, refusal=problem.detail)
    content = json.dumps(made, ensure_ascii=False, indent=2).encode()
    return web.download(session, content, "application/json", f"my-data-{request_id}.json")
