"""The complaints service's HTTP API. Members file and follow their complaints through the
portal (CMP-11); complaint handlers read every file, the mediator those taken to them; nobody
else reads a complaint (CMP-10): other staff roles are refused, and a member asking for a file
that is not theirs is told there is none."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from services.complaints.read_model import complaints, letters
from services.complaints.report import FIRST_DAY, LAST_DAY, Recommendation, report
from services.complaints.report import Line as ReportLine
from shared.access.http import Authenticated, act
from shared.access.persons import Persons
from shared.access.tokens import Principal
from shared.contracts.complaints import (
    Category,
    EscalateToMediator,
    Language,
    Line,
    Reference,
    RegisterComplaint,
    Text,
)
from shared.problems import Problem, problems
from shared.service import Runtime


class ComplaintView(BaseModel):
    file_number: str
    status: str
    complainant_name: str
    language: str
    channel: str
    category: str | None
    subject: str
    description: str
    reference: str | None
    received_at: datetime
    acknowledgement_due_on: date | None
    acknowledgement_overdue: bool
    next_status_due_on: date | None
    status_update_overdue: bool
    outcome: str | None
    assignee: str | None


class LetterView(BaseModel):
    kind: str
    language: str
    text: str
    sent_at: datetime


class PortalComplaint(BaseModel):
    """What a member writes (the portal fills in their name); which person they are, the
    channel and when it was received are the service's to say, so a body stating them is
    refused rather than quietly trimmed."""

    model_config = ConfigDict(extra="forbid")

    complainant_name: Line
    subject: Line
    description: Text
    category: Category | None = None
    reference: Reference | None = None
    language: Language = "nl"


class Filed(BaseModel):
    file_number: str


class Disagreement(BaseModel):
    disagreement: Text


class ReportView(BaseModel):
    """CMP-9: a period's complaints per category and outcome, and the recommendations."""

    start: date
    end: date
    total: int
    lines: list[ReportLine]
    recommendations: list[Recommendation]


# A day of a report's period (CMP-9).
Day = Annotated[date, Query(ge=FIRST_DAY, le=LAST_DAY)]


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(prefix="/complaints", tags=["complaints"])

    async def readable(principal: Principal, *where):
        """The complaints `principal` may read, among those matching `where`."""
        query = select(complaints).where(*where).order_by(complaints.c.file_number)
        async with runtime.database.read() as conn:
            match principal.role:
                case "complaints_handler":
                    pass
                case "mediator":
                    query = query.where(complaints.c.escalated_at.is_not(None))
                case "member":
                    persons = await Persons(conn).persons_of(principal.actor)
                    query = query.where(complaints.c.complainant_person.in_(persons))
                case _:  # professional secrecy (CMP-10): no other role reads complaints
                    raise Problem(
                        403, "role_not_allowed", f"a {principal.role} does not read complaints"
                    )
            return (await conn.execute(query)).all()

    async def one(principal: Principal, file_number: str):
        rows = await readable(principal, complaints.c.file_number == file_number)
        if not rows:
            raise Problem(
                404, "no_such_complaint", f"no complaint with file number {file_number!r}"
            )
        return rows[0]

    @api.post("", status_code=201, response_model=Filed, responses=problems(403, 409))
    async def file_complaint(
        body: PortalComplaint, request: Request, principal: Authenticated
    ) -> Filed:
        """A member files a complaint in their own name (CMP-11)."""
        if principal.role != "member":
            raise Problem(
                403,
                "role_not_allowed",
                "staff register complaints with the RegisterComplaint command",
            )
        async with runtime.database.read() as conn:
            persons = await Persons(conn).persons_of(principal.actor)
        if not persons:
            raise Problem(403, "not_a_member", "this account is no member's")
        # The command travels with its defaults spelt out: the default channel, letter, would
        # be refused from a member.
        command = RegisterComplaint(channel="portal", **body.model_dump(exclude_none=True))
        outcome = await act(request, principal, command)
        [registered] = [e for e in outcome.events if e.type == "ComplaintRegistered"]
        return Filed(file_number=registered.payload["file_number"])

    @api.get("", response_model=list[ComplaintView], responses=problems(403))
    async def list_complaints(principal: Authenticated) -> list[ComplaintView]:
        """The complaints the user may read: a member's own and those of the persons they may
        act on; every one for handlers; those taken to the mediator for the mediator."""
        return [ComplaintView.model_validate(row._asdict()) for row in await readable(principal)]

    @api.get("/report", response_model=ReportView, responses=problems(403, 422))
    async def period_report(start: Day, end: Day, principal: Authenticated) -> ReportView:
        """CMP-9: complaints received in the period per category and outcome, and the
        recommendations recorded to improve the service. Days from 1900-01-01 to 9999-12-30."""
        if principal.role not in ("complaints_handler", "mediator"):
            raise Problem(
                403, "role_not_allowed", "the report is for complaint handlers and the mediator"
            )
        if end < start:
            raise Problem(422, "period_reversed", "the period ends before it starts")
        async with runtime.database.read() as conn:
            made = await report(conn, start, end)
        return ReportView.model_validate(made, from_attributes=True)

    @api.get("/{file_number}", response_model=ComplaintView, responses=problems(403, 404))
    async def get_complaint(file_number: str, principal: Authenticated) -> ComplaintView:
        return ComplaintView.model_validate((await one(principal, file_number))._asdict())

    @api.get(
        "/{file_number}/letters", response_model=list[LetterView], responses=problems(403, 404)
    )
    async def complaint_letters(file_number: str, principal: Authenticated) -> list[LetterView]:
        """Every message the complainant was sent about the complaint, oldest first."""
        await one(principal, file_number)
        async with runtime.database.read() as conn:
            rows = await conn.execute(
                select(letters)
                .where(letters.c.file_number == file_number)
                .order_by(letters.c.sent_at, letters.c.event_id)
            )
            return [LetterView.model_validate(row._asdict()) for row in rows]

    @api.post("/{file_number}/escalation", status_code=204, responses=problems(403, 404, 409))
    async def escalate(
        file_number: str, body: Disagreement, request: Request, principal: Authenticated
    ) -> None:
        """The complainant disagrees with the answer: the mediator re-examines it (CMP-7)."""
        await one(principal, file_number)
        command = EscalateToMediator(file_number=file_number, disagreement=body.disagreement)
        await act(request, principal, command)

    return api
