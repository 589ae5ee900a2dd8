"""The member's rights over HTTP (DOS-12): a member submits a privacy request for a person they
may act on, follows it and downloads the copy an access request made; gives and withdraws
consents. Member services read every request (overdue first); they submit and answer requests
with the commands. A member asking about a request of a person they may not act on is told
there is none, as for a request that does not exist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, case, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dossier.export_parts import EXPORTING_SERVICES, Exports
from services.dossier.privacy_read_model import privacy_requests
from shared.access.http import Authenticated, act
from shared.access.persons import Persons
from shared.access.tokens import Principal
from shared.contracts.privacy import (
    MEMBER_SERVICES,
    AutomatedDecision,
    GiveConsent,
    Purpose,
    Right,
    SubmitPrivacyRequest,
    WithdrawConsent,
)
from shared.problems import Problem, problems
from shared.service import Runtime

PersonId = Annotated[str, Path(max_length=64, description="The person's id")]
RequestId = Annotated[str, Path(max_length=64, description="The request's id")]


class PrivacyRequestBody(BaseModel):
    """A right the member exercises for a person they may act on; `decision` names the
    automated decision a human review is asked of, and only then."""

    model_config = ConfigDict(extra="forbid")

    person_id: str = Field(min_length=1, max_length=64)
    right: Right
    details: str | None = Field(None, min_length=1, max_length=2000)
    decision: AutomatedDecision | None = None


class Submitted(BaseModel):
    request_id: str
    due_on: date


class PrivacyRequestView(BaseModel):
    request_id: str
    person_id: str
    right: str
    decision: str | None
    details: str | None
    received_at: datetime
    due_on: date
    status: str  # open | answered
    outcome: str | None  # exported | granted | refused
    motivation: str | None
    answered_at: datetime | None
    overdue: bool  # open past its due day

    @classmethod
    def of(cls, row: dict[str, Any]) -> PrivacyRequestView:
        overdue = row["status"] == "open" and row["overdue_since"] is not None
        return cls.model_validate({**row, "overdue": overdue})


class Copy(BaseModel):
    """The copy of the person's data (GDPR art. 15, 20): each service's part, as JSON."""

    request_id: str
    person_id: str
    requested_at: datetime
    parts: dict[str, Any]


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["privacy"])

    async def readable(conn: AsyncConnection, principal: Principal, *where) -> list[dict]:
        """The requests matching `where` the user may read: a member's for the persons they may
        act on; every one for member services, those waiting past their deadline first."""
        row = privacy_requests.c
        late = case((and_(row.status == "open", row.overdue_since.is_not(None)), 0), else_=1)
        query = select(privacy_requests).where(*where).order_by(late, row.due_on, row.request_id)
        if principal.role == "member":
            persons = await Persons(conn).persons_of(principal.actor)
            query = query.where(row.person_id.in_(persons))
        elif principal.role not in MEMBER_SERVICES:
            raise Problem(
                403, "role_not_allowed", f"a {principal.role} does not read privacy requests"
            )
        return [r._asdict() for r in await conn.execute(query)]

    async def one(conn: AsyncConnection, principal: Principal, request_id: str) -> dict:
        found = await readable(conn, principal, privacy_requests.c.request_id == request_id)
        if not found:
            raise Problem(404, "no_such_request", f"no privacy request {request_id!r}")
        return found[0]

    async def may_act_on(principal: Principal, person_id: str) -> None:
        """A member acts only for the persons they may act on; staff as their role allows
        (the command's allowed roles)."""
        if principal.role != "member":
            return
        async with runtime.database.read() as conn:
            allowed = await Persons(conn).may_act_on(principal.actor, person_id)
        if not allowed:
            raise Problem(404, "no_such_person", "no such person among those you may act on")

    @api.post(
        "/privacy/requests",
        status_code=201,
        response_model=Submitted,
        responses=problems(403, 409),
    )
    async def submit(
        body: PrivacyRequestBody, request: Request, principal: Authenticated
    ) -> Submitted:
        """DOS-12: a member exercises a right for a person they may act on; answered within a
        month (GDPR art. 12(3)), by `due_on`."""
        if principal.role != "member":
            raise Problem(
                403,
                "role_not_allowed",
                "staff record a request with the SubmitPrivacyRequest command",
            )
        outcome = await act(request, principal, SubmitPrivacyRequest(**body.model_dump()))
        [received] = [e for e in outcome.events if e.type == "PrivacyRequestReceived"]
        return Submitted.model_validate(received.payload)

    @api.get("/privacy/requests", response_model=list[PrivacyRequestView], responses=problems(403))
    async def list_requests(principal: Authenticated) -> list[PrivacyRequestView]:
        """A member's requests for the persons they may act on; every request for member
        services, those past their deadline first, then by due day."""
        async with runtime.database.read() as conn:
            return [PrivacyRequestView.of(row) for row in await readable(conn, principal)]

    @api.get(
        "/privacy/requests/{request_id}",
        response_model=PrivacyRequestView,
        responses=problems(403, 404),
    )
    async def get_request(request_id: RequestId, principal: Authenticated) -> PrivacyRequestView:
        async with runtime.database.read() as conn:
            return PrivacyRequestView.of(await one(conn, principal, request_id))

    @api.get(
        "/privacy/requests/{request_id}/export",
        response_model=Copy,
        responses=problems(403, 404, 409, 410),
    )
    async def get_copy(request_id: RequestId, principal: Authenticated) -> Copy:
        """The copy an access request made, once every service's part is in (409 until then,
        naming those still missing); kept a month, or until the person's erasure (410 after)."""
        async with runtime.database.read() as conn:
            found = await one(conn, principal, request_id)
            parts = await Exports(conn).parts_of(request_id)
        if found["right"] != "access":
            raise Problem(404, "no_copy", "only an access request makes a copy")
        missing = [service for service in EXPORTING_SERVICES if service not in parts]
        if missing and found["outcome"] == "exported":
            raise Problem(
                410,
                "copy_gone",
                "the copy is gone: it is kept a month after it was made, and not after an erasure",
            )
        if missing:
            raise Problem(
                409,
                "copy_incomplete",
                f"the copy is not complete yet: waiting for {', '.join(missing)}",
            )
        return Copy(
            request_id=request_id,
            person_id=found["person_id"],
            requested_at=found["received_at"],
            parts={service: parts[service] for service in EXPORTING_SERVICES},
        )

    @api.put(
        "/persons/{person_id}/consents/{purpose}",
        status_code=204,
        responses=problems(403, 404, 409),
    )
    async def give_consent(
        person_id: PersonId, purpose: Purpose, request: Request, principal: Authenticated
    ) -> None:
        """A person consents to a purpose (the inbox, notifications by e-mail or SMS)."""
        await may_act_on(principal, person_id)
        await act(request, principal, GiveConsent(person_id=person_id, purpose=purpose))

    @api.delete(
        "/persons/{person_id}/consents/{purpose}",
        status_code=204,
        responses=problems(403, 404, 409),
    )
    async def withdraw_consent(
        person_id: PersonId, purpose: Purpose, request: Request, principal: Authenticated
    ) -> None:
        """GDPR art. 7(3): a consent is withdrawn at any time."""
        await may_act_on(principal, person_id)
        await act(request, principal, WithdrawConsent(person_id=person_id, purpose=purpose))

    return api
