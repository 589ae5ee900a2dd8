"""The staff console (issue 13, item 4): complaint handlers work the complaints worklist, the
overdue files first, through the steps of the procedure (seed 004); member services look a
member up and read their booklet. Staff sign in with their password and their authenticator's
code; each action is the command `mutualis staff send` sends (services/portal/staff_commands),
checked here against the same contract first so a mistake is shown at its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.portal import i18n
from services.portal.backend import ServiceProblem
from services.portal.pages.signing_in import login_refusal
from services.portal.session import Session
from services.portal.staff_commands import claims, new_command_key
from services.portal.web import Portal, Posted, SignIn, Web, session_of
from shared.clock import brussels_day
from shared.command_proof import public_jwk
from shared.contracts.complaints import (
    AcknowledgeComplaint,
    AnswerAsMediator,
    AnswerComplaint,
    AssignComplaint,
    CloseComplaint,
    DecideAdmissibility,
    EscalateToMediator,
    ReceiveInformation,
    RecordRecommendation,
    RequestInformation,
    SendStatusUpdate,
)
from shared.contracts.registry import Command

router = APIRouter(prefix="/staff")

COMPLAINTS_ROLES = ("complaints_handler", "mediator")
MEMBER_SERVICES_ROLES = ("member_services", "admin")

# The procedure's steps a handler may take, by the form that asks for each, and in which
# states of the file the console offers them (the service refuses any other with its reason).
ACTIONS: dict[str, type[Command]] = {
    "assign": AssignComplaint,
    "acknowledge": AcknowledgeComplaint,
    "admissibility": DecideAdmissibility,
    "request_information": RequestInformation,
    "receive_information": ReceiveInformation,
    "status_update": SendStatusUpdate,
    "answer": AnswerComplaint,
    "escalate": EscalateToMediator,
    "mediator_answer": AnswerAsMediator,
    "close": CloseComplaint,
    "recommendation": RecordRecommendation,
}
OFFERED = {
    "registered": ("acknowledge", "admissibility", "assign"),
    "acknowledged": ("admissibility", "assign"),
    "under_analysis": ("status_update", "request_information", "answer", "assign"),
    "waiting_for_information": ("receive_information", "status_update", "assign"),
    "answered": ("close", "escalate", "recommendation"),
    "with_mediator": ("mediator_answer",),
    "mediator_answered": ("close", "recommendation"),
    "closed": ("recommendation",),
}


def _staff(session: Session, roles: tuple[str, ...]) -> None:
    if not session.staff:
        raise SignIn()
    if session.role not in roles:
        raise ServiceProblem(403, "role_not_allowed", f"not for a {session.role}")


# -- signing in ------------------------------------------------------------------------------


@router.get("/login")
async def login_page(request: Request, web: Portal) -> Response:
    return web.page(request, session_of(request), "staff/login.html")


@router.post("/login")
async def login(
    request: Request,
    web: Portal,
    session: Posted,
    login: str = Form(""),
    password: str = Form(""),
    code: str = Form(""),
) -> Response:
    key, kept = new_command_key()
    credentials = {
        "login": login,
        "password": password,
        "session_key": public_jwk(key),
        **({"totp": code.strip()} if code.strip() else {}),
    }
    try:
        tokens = (await web.backend.call("POST", "identity", "/login", json=credentials)).json()
    except ServiceProblem as problem:
        refusal = login_refusal(session.language, problem)
        if problem.code == "totp_required":
            refusal = i18n.text(session.language, "staff_code_needed")
        return web.page(
            request, session, "staff/login.html", problem.shown_status, login=login, refusal=refusal
        )
    staff = Session(language=session.language, login=login, command_key=kept)
    staff.access_token, staff.refresh_token = tokens["access_token"], tokens["refresh_token"]
    staff.role = claims(staff.access_token).get("role")
    return web.redirect(staff, "/staff")


@router.get("")
async def start(request: Request, web: Portal) -> Response:
    session = session_of(request)
    if not session.staff:
        return web.redirect(session, "/staff/login")
    if session.role in COMPLAINTS_ROLES:
        return web.redirect(session, "/staff/complaints")
    return web.redirect(session, "/staff/members")


# -- the complaints worklist -------------------------------------------------------------------


def _urgency(complaint: dict[str, Any], today: date) -> tuple:
    """Overdue files first, then by the next deadline, the nearest first; files without one
    (answered, with the mediator) last, oldest first."""
    due = complaint["acknowledgement_due_on"] or complaint["next_status_due_on"]
    due_day = date.fromisoformat(due) if due else None
    overdue = (
        complaint["acknowledgement_overdue"]
        or complaint["status_update_overdue"]
        or (due_day is not None and due_day < today)
    )
    complaint["overdue"] = overdue
    complaint["due_on"] = due_day
    return (not overdue, due_day is None, due_day or date.max, complaint["received_at"])


@router.get("/complaints")
async def worklist(request: Request, web: Portal, closed: bool = False) -> Response:
    session = session_of(request)
    _staff(session, COMPLAINTS_ROLES)
    every = await web.as_user(
        session, lambda token: web.backend.get("complaints", "/complaints", token)
    )
    today = brussels_day(web.commands.clock.now())
    shown = [c for c in every if closed or c["status"] != "closed"]
    shown.sort(key=lambda c: _urgency(c, today))
    return web.page(
        request,
        session,
        "staff/worklist.html",
        complaints=shown,
        today=today,
        closed=closed,
        closed_count=sum(c["status"] == "closed" for c in every),
    )


async def _complaint_page(
    request: Request, web: Web, session: Session, file_number: str, status: int = 200, **context
) -> Response:
    async def read(token: str) -> tuple[dict, list]:
        path = f"/complaints/{file_number}"
        found = await web.backend.get("complaints", path, token)
        return found, await web.backend.get("complaints", f"{path}/letters", token)

    found, letters = await web.as_user(session, read)
    offered = [
        action
        for action in OFFERED.get(found["status"], ())
        if (action == "mediator_answer") == (session.role == "mediator")
    ]
    context = {"errors": {}, "entered": {}, **context}
    return web.page(
        request,
        session,
        "staff/complaint.html",
        status,
        complaint=found,
        letters=letters,
        offered=offered,
        **context,
    )


@router.get("/complaints/{file_number}")
async def complaint(request: Request, web: Portal, file_number: str, done: str = "") -> Response:
    session = session_of(request)
    _staff(session, COMPLAINTS_ROLES)
    return await _complaint_page(request, web, session, file_number, done=done)


@router.post("/complaints/{file_number}/{action}")
async def act(
    request: Request, web: Portal, file_number: str, action: str, session: Posted
) -> Response:
    _staff(session, COMPLAINTS_ROLES)
    if action not in ACTIONS:
        return web.not_found(request, session)
    form = await request.form()
    entered = {k: str(v).strip() for k, v in form.items() if k != "csrf" and str(v).strip()}
    fields = dict(entered)
    if action == "assign":  # the console assigns to whoever takes the file
        fields["handler"] = claims(session.access_token)["sub"]
    if action == "admissibility":
        fields["admissible"] = entered.get("admissible") == "yes"
    try:
        command = ACTIONS[action].model_validate({"file_number": file_number, **fields})
    except ValidationError as invalid:
        return await _complaint_page(
            request,
            web,
            session,
            file_number,
            422,
            action=action,
            entered=entered,
            errors=_field_errors(invalid),
        )
    try:
        outcome = await web.commands.send(web.backend, session, "complaints", command)
    except (LookupError, TimeoutError):
        refusal = i18n.text(session.language, "service_unavailable")
        return await _complaint_page(
            request, web, session, file_number, 503, action=action, entered=entered, refusal=refusal
        )
    if outcome.status == "rejected":
        return await _complaint_page(
            request,
            web,
            session,
            file_number,
            409,
            action=action,
            entered=entered,
            refusal=outcome.reason,
        )
    return web.redirect(session, f"/staff/complaints/{file_number}?done={action}")


def _field_errors(invalid: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in invalid.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        errors.setdefault(field, error["msg"].removeprefix("Value error, "))
    return errors


# -- member lookup -----------------------------------------------------------------------------


@router.get("/members")
async def members(request: Request, web: Portal) -> Response:
    session = session_of(request)
    _staff(session, MEMBER_SERVICES_ROLES)
    return web.page(request, session, "staff/members.html", entered={}, errors={})


@router.post("/members")
async def find_members(
    request: Request, web: Portal, session: Posted, wanted: str = Form("")
) -> Response:
    """By national register number when the search is one (digits, dots and a dash), else by
    the start of the last name."""
    _staff(session, MEMBER_SERVICES_ROLES)
    wanted = wanted.strip()
    digits = wanted.replace(".", "").replace("-", "").replace(" ", "")
    field = "national_register_number" if digits.isdigit() else "last_name"
    try:
        found = await web.as_user(
            session,
            lambda token: web.backend.call(
                "POST", "dossier", "/persons/search", token, json={field: wanted}
            ),
        )
    except ServiceProblem as problem:
        errors = {"wanted": next(iter(problem.form_errors().values()))}
        return web.page(
            request, session, "staff/members.html", 422, entered={"wanted": wanted}, errors=errors
        )
    return web.page(
        request,
        session,
        "staff/members.html",
        entered={"wanted": wanted},
        errors={},
        found=found.json(),
    )


@router.get("/booklets/{booklet_id}")
async def booklet(request: Request, web: Portal, booklet_id: str) -> Response:
    session = session_of(request)
    _staff(session, MEMBER_SERVICES_ROLES)
    persons = await web.as_user(
        session, lambda token: web.backend.get("dossier", f"/booklets/{booklet_id}", token)
    )
    return web.page(request, session, "staff/booklet.html", persons=persons)
