"""Monitoring's HTTP API: event counts, the complaint procedure's and the privacy requests'
deadlines, consumer lag; for staff only (file numbers and the fund's activity are no member's
business)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select

from services.monitoring.complaint_deadlines import Figures, figures
from services.monitoring.invoice_figures import InvoiceFigures, invoice_figures
from services.monitoring.lag import GroupLag, consumer_lag
from services.monitoring.payment_figures import PaymentFigures, payment_figures
from services.monitoring.privacy_deadlines import OpenPrivacyRequest, open_requests
from services.monitoring.read_model import event_counts
from shared.access.http import Authenticated
from shared.clock import brussels_day
from shared.problems import Problem, problems
from shared.service import Runtime

STAFF = {"complaints_handler", "mediator", "member_services", "admin"}


class Lag(BaseModel):
    note: str
    groups: dict[str, GroupLag]


async def staff_only(principal: Authenticated) -> None:
    if principal.role not in STAFF:
        raise Problem(403, "role_not_allowed", "monitoring is for staff")


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(
        tags=["monitoring"], dependencies=[Depends(staff_only)], responses=problems(403)
    )

    @api.get("/counts")
    async def counts() -> dict[str, dict[str, int]]:
        """Events seen per service and type."""
        async with runtime.database.read() as conn:
            rows = await conn.execute(select(event_counts).order_by(event_counts.c.producer))
            result: dict[str, dict[str, int]] = {}
            for row in rows:
                result.setdefault(row.producer, {})[row.type] = row.count
        return result

    @api.get("/complaints")
    async def complaints() -> Figures:
        """Open complaints per state, those waiting past a deadline (file numbers), and the
        share of acknowledgements (CMP-3) and status messages (CMP-5) sent on time."""
        async with runtime.database.read() as conn:
            return await figures(conn)

    @api.get("/payments")
    async def payments() -> PaymentFigures:
        """The money: the latest payment runs (payments, amount, held), the total paid, the
        persons whose payments wait for a bank account, and per year the households past their
        MAF ceiling with what was refunded above it."""
        async with runtime.database.read() as conn:
            return await payment_figures(conn)

    @api.get("/invoices")
    async def invoices() -> InvoiceFigures:
        """Issue 12: per month the invoices issued, their amount and how many are paid; the
        invoices still open past their due date; the credits that matched no invoice."""
        async with runtime.database.read() as conn:
            return await invoice_figures(conn, brussels_day(runtime.clock.now()))

    @api.get("/privacy-requests")
    async def privacy_requests() -> list[OpenPrivacyRequest]:
        """DOS-12: the privacy requests not answered yet, with the day each is due (one month,
        GDPR art. 12(3)) and whether that day passed; overdue first."""
        async with runtime.database.read() as conn:
            return await open_requests(conn)

    @api.get("/lag")
    async def lag() -> Lag:
        """Messages each consumer group still has to read, per topic."""
        return Lag(
            note="approximate on the local broker, whose end offsets can lag behind",
            groups=await consumer_lag(runtime.settings.kafka),
        )

    return api
