"""The payments service's HTTP API: what a member looks at most ("is my doctor's visit
reimbursed yet?", PAY-1), a payment's detail and receipt (PAY-2), the household's maximum bill
(DOS-6) and the dental care pass (DOS-9), for the persons the member may act on; for staff,
the payment runs, their transfer files and what waits for an account.

A member asking for a person or a payment that is not theirs is told there is none (404)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel
from sqlalchemy import and_, func, select

from services.payments import views
from services.payments.hospital_read_model import HospitalClaims
from services.payments.payables import transfer_files
from services.payments.read_model import history_lines, payments
from shared.access.http import Authenticated
from shared.access.persons import Persons
from shared.access.tokens import Principal
from shared.problems import Problem, problems
from shared.service import Runtime

STAFF = frozenset({"member_services", "admin"})
PersonId = Annotated[str, Path(max_length=64, description="The person's id")]


class HistoryLine(BaseModel):
    item_id: str
    person_id: str
    kind: Literal[
        "reimbursement",
        "maf_refund",
        "benefit",
        "youth_savings",
        "hospital_claim",
        "premium",
        "premium_refund",
    ]
    day: date
    provider_name: str | None
    code: str | None
    description: str | None
    fee_asked: Decimal | None
    legal_fee: Decimal | None
    supplement: Decimal | None
    co_payment: Decimal | None
    amount: Decimal
    paid_to: Literal["member", "provider", "fund"]  # fund: a premium the member paid
    status: Literal["due", "held", "paid"]
    payment_id: str | None
    value_date: date | None


class HistoryPage(BaseModel):
    lines: list[HistoryLine]
    total: int
    page: int
    size: int


class PaymentSummary(BaseModel):
    """A payment as the inbox lists it (DOS-11): its receipt is a document of the member's."""

    payment_id: str
    person_id: str | None
    amount: Decimal
    value_date: date


class PaymentView(BaseModel):
    payment_id: str
    run_id: str
    person_id: str | None
    payee_name: str
    iban: str
    amount: Decimal
    value_date: date
    items: list[HistoryLine]


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["payments"])

    async def allowed(conn, principal: Principal) -> set[str] | None:
        """The persons a member may act on; None for staff, who see every person."""
        if principal.role == "member":
            return await Persons(conn).persons_of(principal.actor)
        if principal.role in STAFF:
            return None
        raise Problem(403, "role_not_allowed", "payments are for members and member services")

    @api.get("/history", response_model=HistoryPage, responses=problems(403, 404))
    async def financial_history(
        principal: Authenticated,
        person_id: Annotated[str | None, Query(max_length=64)] = None,
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        kind: Literal[
            "reimbursement",
            "maf_refund",
            "benefit",
            "youth_savings",
            "hospital_claim",
            "premium",
            "premium_refund",
        ]
        | None = None,
        page: Annotated[int, Query(ge=1)] = 1,
        size: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> HistoryPage:
        """PAY-1: reimbursements, MAF refunds, benefits and youth savings payouts of the persons
        you may act on, newest first; by person, period (`from`, `to`: days of the care or
        period) and kind."""
        where = []
        async with runtime.database.read() as conn:
            persons = await allowed(conn, principal)
            if person_id is not None:
                if persons is not None and person_id not in persons:
                    raise Problem(
                        404, "no_such_person", "no such person among those you may act on"
                    )
                where.append(history_lines.c.person_id == person_id)
            elif persons is not None:
                where.append(history_lines.c.person_id.in_(persons))
            if start:
                where.append(history_lines.c.day >= start)
            if end:
                where.append(history_lines.c.day <= end)
            if kind:
                where.append(history_lines.c.kind == kind)
            total = await conn.scalar(select(func.count()).select_from(history_lines).where(*where))
            rows = await conn.execute(
                select(history_lines)
                .where(*where)
                .order_by(history_lines.c.day.desc(), history_lines.c.item_id)
                .offset((page - 1) * size)
                .limit(size)
            )
            lines = [HistoryLine.model_validate(r._mapping, from_attributes=False) for r in rows]
        return HistoryPage(lines=lines, total=total, page=page, size=size)

    async def visible_payment(conn, principal: Principal, payment_id: str):
        persons = await allowed(conn, principal)
        row = (
            await conn.execute(select(payments).where(payments.c.payment_id == payment_id))
        ).first()
        if row is not None and persons is not None:
            # A member sees a payment made to them or paying care of a person of theirs.
            theirs = row.person_id in persons or await conn.scalar(
                select(func.count())
                .select_from(history_lines)
                .where(
                    history_lines.c.payment_id == payment_id, history_lines.c.person_id.in_(persons)
                )
            )
            row = row if theirs else None
        if row is None:
            raise Problem(404, "no_such_payment", f"no payment {payment_id!r} of yours")
        items = await conn.execute(
            select(history_lines)
            .where(history_lines.c.payment_id == payment_id)
            .order_by(history_lines.c.day)
        )
        return row, [HistoryLine.model_validate(i._mapping) for i in items]

    @api.get("/payments", response_model=list[PaymentSummary], responses=problems(403))
    async def payments_made(
        principal: Authenticated, size: Annotated[int, Query(ge=1, le=200)] = 50
    ) -> list[PaymentSummary]:
        """DOS-11, PAY-2: the payments to or for the persons you may act on, each with its
        receipt, the latest first."""
        async with runtime.database.read() as conn:
            persons = await allowed(conn, principal)
            query = select(payments)
            if persons is not None:
                theirs = select(history_lines.c.payment_id).where(
                    history_lines.c.person_id.in_(persons)
                )
                query = query.where(
                    payments.c.person_id.in_(persons) | payments.c.payment_id.in_(theirs)
                )
            rows = await conn.execute(
                query.order_by(payments.c.value_date.desc(), payments.c.payment_id).limit(size)
            )
            return [PaymentSummary.model_validate(row._mapping) for row in rows]

    @api.get("/payments/{payment_id}", response_model=PaymentView, responses=problems(403, 404))
    async def payment(
        payment_id: Annotated[str, Path(max_length=36)], principal: Authenticated
    ) -> PaymentView:
        async with runtime.database.read() as conn:
            row, items = await visible_payment(conn, principal, payment_id)
        return PaymentView(**{**row._mapping, "items": items})

    @api.get(
        "/payments/{payment_id}/receipt",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}, **problems(403, 404)},
    )
    async def receipt(
        payment_id: Annotated[str, Path(max_length=36)],
        principal: Authenticated,
        language: Literal["nl", "fr"] | None = None,
    ) -> Response:
        """PAY-2: the payment's receipt (kwijtschrift / quittance) as a PDF, in the member's
        language unless another is asked."""
        async with runtime.database.read() as conn:
            row, items = await visible_payment(conn, principal, payment_id)
            pdf = await views.receipt_pdf(conn, runtime, row, items, language)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="receipt-{payment_id}.pdf"'},
        )

    @api.get(
        "/persons/{person_id}/benefit-attest",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}, **problems(403, 404, 422)},
    )
    async def benefit_attest(
        person_id: PersonId,
        principal: Authenticated,
        year: Annotated[int, Query(ge=2000, le=2100)],
        language: Literal["nl", "fr"] | None = None,
    ) -> Response:
        """DOS-10: the attest of the incapacity benefits paid to the person in `year`, as a
        PDF in the person's language unless another is asked."""
        async with runtime.database.read() as conn:
            await _may_see(conn, principal, person_id, allowed)
            pdf = await views.benefit_attest_pdf(conn, runtime, person_id, year, language)
        if pdf is None:
            raise Problem(404, "no_benefits", f"no benefit was paid to this person in {year}")
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="benefit-attest-{year}.pdf"'},
        )

    @api.get(
        "/persons/{person_id}/maf", response_model=views.MafStatus, responses=problems(403, 404)
    )
    async def maf(
        person_id: PersonId,
        principal: Authenticated,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    ) -> views.MafStatus:
        """DOS-6: the maximum bill of the person's household for a year (this year by default):
        its co-payment counter, ceiling, thresholds crossed and what was refunded."""
        async with runtime.database.read() as conn:
            await _may_see(conn, principal, person_id, allowed)
            status = await views.maf_status(
                conn, runtime, person_id, year or runtime.clock.now().year
            )
        if status is None:
            raise Problem(404, "no_such_person", "no such person among those you may act on")
        return status

    @api.get(
        "/persons/{person_id}/hospital-claims",
        response_model=list[views.HospitalClaimView],
        responses=problems(403, 404),
    )
    async def person_hospital_claims(
        person_id: PersonId, principal: Authenticated
    ) -> list[views.HospitalClaimView]:
        """PAY-5: the person's hospitalisation-insurance claims, the latest care first, each
        with every line's computation: what was asked, what was left after the legal insurance
        and other insurers, the benefit, the product sheet's row and the reasons."""
        async with runtime.database.read() as conn:
            await _may_see(conn, principal, person_id, allowed)
            found = await HospitalClaims(conn).of([person_id])
        return [views.HospitalClaimView.model_validate(claim) for claim in found]

    @api.get(
        "/persons/{person_id}/dental-pass",
        response_model=views.DentalPass,
        responses=problems(403, 404),
    )
    async def dental_pass(person_id: PersonId, principal: Authenticated) -> views.DentalPass:
        """DOS-9: the person's reimbursed dentist visits per year, and whether a visit is still
        needed this year to keep the lower co-payment next year."""
        async with runtime.database.read() as conn:
            await _may_see(conn, principal, person_id, allowed)
            found = await views.dental_pass(conn, person_id, runtime.clock.now().date())
        if found is None:
            raise Problem(404, "no_such_person", "no such person among those you may act on")
        return found

    @api.get("/payment-runs", response_model=list[views.RunView], responses=problems(403))
    async def payment_runs(principal: Authenticated) -> list[views.RunView]:
        """Staff: the payment runs, newest first, with their transfer files."""
        _staff(principal)
        async with runtime.database.read() as conn:
            return await views.runs(conn)

    @api.get(
        "/payment-runs/{run_id}/transfer-files/{name}",
        response_class=Response,
        responses={200: {"content": {"application/xml": {}}}, **problems(403, 404)},
    )
    async def transfer_file(run_id: str, name: str, principal: Authenticated) -> Response:
        """Staff: a run's SEPA credit-transfer file (pain.001) for the bank."""
        _staff(principal)
        async with runtime.database.read() as conn:
            content = await conn.scalar(
                select(transfer_files.c.content).where(
                    and_(transfer_files.c.run_id == run_id, transfer_files.c.name == name)
                )
            )
        if content is None:
            raise Problem(404, "no_such_file", f"no transfer file {name!r} in run {run_id!r}")
        return Response(content, media_type="application/xml")

    @api.get("/waiting", response_model=list[views.Waiting], responses=problems(403))
    async def waiting(principal: Authenticated) -> list[views.Waiting]:
        """Staff: payments waiting for an account, per person, with the reason."""
        _staff(principal)
        async with runtime.database.read() as conn:
            return await views.waiting(conn)

    return api


def _staff(principal: Principal) -> None:
    if principal.role not in STAFF:
        raise Problem(403, "role_not_allowed", "for member services")


async def _may_see(conn, principal: Principal, person_id: str, allowed) -> None:
    persons = await allowed(conn, principal)
    if persons is not None and person_id not in persons:
        raise Problem(404, "no_such_person", "no such person among those you may act on")
