"""The member's payments (PAY-1): the history by period and person, and a payment's receipt
(PAY-2) as the payments service prints it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.portal.web import Portal, session_of

router = APIRouter()


@router.get("/payments")
async def payments_page(
    request: Request,
    web: Portal,
    person_id: str = "",
    start: str = "",
    end: str = "",
    page_no: int = 1,
) -> Response:
    session = session_of(request)

    async def read(token: str) -> tuple[list, dict]:
        persons = await web.backend.get("dossier", "/persons", token)
        period = {"from": start, "to": end}
        history = await web.backend.get(
            "payments", "/history", token, person_id=person_id, **period, page=page_no
        )
        return persons, history

    persons, history = await web.as_user(session, read)
    return web.page(
        request,
        session,
        "payments.html",
        persons=persons,
        history=history,
        chosen=person_id,
        start=start,
        end=end,
    )


@router.get("/payments/{payment_id}/receipt")
async def receipt(request: Request, web: Portal, payment_id: str) -> Response:
    session = session_of(request)
    return await web.fetched(
        session,
        "payments",
        f"/payments/{payment_id}/receipt",
        "application/pdf",
        f"receipt-{payment_id}.pdf",
        language=session.language,
    )


@router.get("/payments/{payment_id}")
async def payment(request: Request, web: Portal, payment_id: str) -> Response:
    """One payment: to whom, on which account, when, and the items it paid (PAY-1)."""
    session = session_of(request)

    async def read(token: str) -> tuple[list, dict]:
        persons = await web.backend.get("dossier", "/persons", token)
        return persons, await web.backend.get("payments", f"/payments/{payment_id}", token)

    persons, paid = await web.as_user(session, read)
    return web.page(request, session, "payment.html", persons=persons, payment=paid)
