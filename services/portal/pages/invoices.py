"""The invoices of the optional insurances' premiums: the inbox (INV-2) of the persons the
member may act on who pay them, an invoice with its lines and how to pay it, its PDF (with the
EPC QR code) and UBL as einvoicing makes them, and how a payer receives them (INV-1, INV-3):
in the inbox or on paper, with a notice or not, by e-mail or SMS, at which address."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal.backend import ServiceProblem
from services.portal.session import Session
from services.portal.web import Portal, Posted, Web, or_none, session_of

router = APIRouter()

STATUSES = ("open", "paid")
# An invoice's number: ten digits (anything else is no invoice, not a question to einvoicing).
NUMBER = re.compile(r"\d{10}")
# A boolean choice of the delivery form, as its radio buttons send it.
CHOICE = {"true": True, "false": False}


@router.get("/invoices")
async def invoices_page(request: Request, web: Portal, status: str = "") -> Response:
    """INV-2: every invoice of the payers among the member's persons, the latest month first;
    `status` open or paid for those only."""
    session = session_of(request)
    chosen = status if status in STATUSES else ""
    backend = web.backend

    async def read(token: str) -> tuple[list, list, list]:
        persons = await backend.get("dossier", "/persons", token)
        # INV-5, INV-6: what every e-invoicing member is told (maintenance, new terms).
        notices = await or_none(backend.get("einvoicing", "/announcements", token)) or []
        found = await asyncio.gather(
            *(
                or_none(
                    backend.get(
                        "einvoicing", f"/persons/{p['person_id']}/invoices", token, status=chosen
                    )
                )
                for p in persons
            )
        )
        return persons, notices, found

    persons, notices, found = await web.as_user(session, read)
    invoices = sorted(
        (invoice for invoices in found if invoices for invoice in invoices),
        key=lambda i: (i["period"], i["issued_on"], i["number"]),
        reverse=True,
    )
    return web.page(
        request,
        session,
        "invoices.html",
        persons=persons,
        invoices=invoices,
        notices=notices,
        chosen=chosen,
    )


@router.get("/invoices/{number}/pdf")
async def invoice_pdf(request: Request, web: Portal, number: str) -> Response:
    """The invoice as einvoicing prints it, with its QR code for a banking app, in the
    member's language."""
    session = session_of(request)
    if not NUMBER.fullmatch(number):
        return web.not_found(request, session)
    return await web.fetched(
        session,
        "einvoicing",
        f"/invoices/{number}/pdf",
        "application/pdf",
        f"invoice-{number}.pdf",
        language=session.language,
    )


@router.get("/invoices/{number}/ubl")
async def invoice_ubl(request: Request, web: Portal, number: str) -> Response:
    """The invoice as UBL (XML), for bookkeeping software."""
    session = session_of(request)
    if not NUMBER.fullmatch(number):
        return web.not_found(request, session)
    path = f"/invoices/{number}/ubl"
    return await web.fetched(
        session, "einvoicing", path, "application/xml", f"invoice-{number}.xml"
    )


@router.get("/invoices/{number}")
async def invoice_page(request: Request, web: Portal, number: str) -> Response:
    """INV-2: one invoice: whose premiums, on what basis, and how to pay what is still due.
    Another household's is not found, as einvoicing answers."""
    session = session_of(request)
    if not NUMBER.fullmatch(number):
        return web.not_found(request, session)

    async def read(token: str) -> tuple[list, dict]:
        persons = await web.backend.get("dossier", "/persons", token)
        return persons, await web.backend.get("einvoicing", f"/invoices/{number}", token)

    persons, invoice = await web.as_user(session, read)
    return web.page(
        request,
        session,
        "invoice.html",
        persons=persons,
        invoice=invoice,
    )


async def delivery_page(
    request: Request,
    web: Web,
    session: Session,
    status: int = 200,
    editing: str = "",
    entered: dict[str, Any] | None = None,
    **context: Any,
) -> Response:
    """How each payer among the member's persons (a booklet's holder: einvoicing invoices the
    household to them) receives invoices; the person being changed shows what was entered."""
    backend = web.backend

    async def read(token: str) -> list[dict]:
        persons = await backend.get("dossier", "/persons", token)
        payers = [p for p in persons if p.get("role") == "holder"]
        found = await asyncio.gather(
            *(
                or_none(
                    backend.get("einvoicing", f"/persons/{p['person_id']}/invoice-delivery", token)
                )
                for p in payers
            )
        )
        return [
            {"person": p, "delivery": {**d, **(entered or {})} if p["person_id"] == editing else d}
            for p, d in zip(payers, found, strict=True)
            if d is not None
        ]

    payers = await web.as_user(session, read)
    context.setdefault("errors", {})
    return web.page(
        request, session, "invoice_delivery.html", status, payers=payers, editing=editing, **context
    )


@router.get("/invoice-delivery")
async def invoice_delivery(request: Request, web: Portal) -> Response:
    return await delivery_page(request, web, session_of(request))


@router.post("/persons/{person_id}/invoice-delivery")
async def change_invoice_delivery(
    request: Request,
    web: Portal,
    person_id: str,
    session: Posted,
    electronic: str = Form(""),
    notify: str = Form(""),
    channel: str = Form(""),
    email: str = Form(""),
    phone: str = Form(""),
) -> Response:
    """INV-1, INV-3: the choices sent as they are; einvoicing decides. An empty address leaves
    the one chosen before (none: the dossier's)."""
    change: dict[str, Any] = {
        name: CHOICE[value]
        for name, value in (("electronic", electronic), ("notify", notify))
        if value in CHOICE
    }
    if channel in ("email", "sms"):
        change["channel"] = channel
    change |= {k: v.strip() for k, v in {"email": email, "phone": phone}.items() if v.strip()}
    path = f"/persons/{person_id}/invoice-delivery"
    try:
        await web.as_user(
            session, lambda token: web.backend.call("PUT", "einvoicing", path, token, json=change)
        )
    except ServiceProblem as problem:
        if problem.status == 404:
            raise
        # Asked for what already is: said as such, not as a refusal to read.
        unchanged = problem.code == "refused" and problem.detail.startswith("nothing to change")
        return await delivery_page(
            request,
            web,
            session,
            problem.shown_status,
            editing=person_id,
            entered=change,
            errors={} if unchanged else problem.form_errors(),
            unchanged=person_id if unchanged else "",
        )
    # Decided and kept; einvoicing's read model may show it a moment later, so the page shows
    # what was saved rather than reading it back.
    return await delivery_page(
        request, web, session, editing=person_id, entered=change, saved=person_id
    )
