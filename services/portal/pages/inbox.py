"""The member's inbox (DOS-11): one list of every document the fund sent the persons they may
act on, the latest first — premium invoices (einvoicing), receipts of the payments made to or
for them (payments), the letters about their complaints (complaints) and the announcements of
e-invoicing (maintenance, new terms) — each with where to read it. Whether documents come to
the inbox or on paper is the payer's delivery choice (INV-1), shown and changed from here.

A service that is down leaves its documents out, with a word that some may be missing, rather
than the whole inbox failing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.portal.backend import ServiceProblem
from services.portal.web import Portal, or_none, session_of

router = APIRouter()


@dataclass(frozen=True)
class Document:
    """One line of the inbox: when it was sent, what it is (`kind` and what names it), where
    to read it and, for a PDF, where to download it."""

    sent_on: date
    kind: str  # invoice | receipt | letter | announcement
    name: dict[str, Any]
    link: str | None = None
    download: str | None = None


def documents(
    invoices: list[dict],
    payments: list[dict],
    letters: list[tuple[dict, dict]],
    announcements: list[dict],
) -> list[Document]:
    """The inbox's lines from what each service answered, the latest first."""
    found = [
        Document(
            _day(i["issued_on"]),
            "invoice",
            {"period": i["period"], "supplements": i.get("supplements")},
            f"/invoices/{i['number']}",
            f"/invoices/{i['number']}/pdf",
        )
        for i in invoices
    ]
    found += [
        Document(
            _day(p["value_date"]),
            "receipt",
            {"amount": p["amount"]},
            f"/payments/{p['payment_id']}",
            f"/payments/{p['payment_id']}/receipt",
        )
        for p in payments
    ]
    found += [
        Document(
            _day(letter["sent_at"]),
            "letter",
            {"subject": complaint["subject"], "file_number": complaint["file_number"]},
            f"/complaints/{complaint['file_number']}",
        )
        for complaint, letter in letters
    ]
    found += [
        Document(
            _day(a.get("starts_at") or a.get("announced_on") or a["takes_effect_on"]),
            "announcement",
            a,
        )
        for a in announcements
    ]
    return sorted(found, key=lambda d: d.sent_on, reverse=True)


def _day(value: str | date) -> date:
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)


@router.get("/inbox")
async def inbox_page(request: Request, web: Portal) -> Response:
    session = session_of(request)
    backend = web.backend

    async def answered(call) -> tuple[Any, bool]:
        """What a service answered (None: nothing of theirs), and whether it answered."""
        try:
            return await or_none(call), True
        except ServiceProblem as problem:
            if problem.status < 500:
                raise
            return None, False

    async def read(token: str) -> tuple[list, list[Document], dict | None, bool]:
        persons = await backend.get("dossier", "/persons", token)
        holder = next((p for p in persons if p.get("role") == "holder"), None)
        calls = [
            *(
                backend.get("einvoicing", f"/persons/{p['person_id']}/invoices", token)
                for p in persons
            ),
            backend.get("payments", "/payments", token),
            backend.get("complaints", "/complaints", token),
            backend.get("einvoicing", "/announcements", token),
        ]
        if holder is not None:
            path = f"/persons/{holder['person_id']}/invoice-delivery"
            calls.append(backend.get("einvoicing", path, token))
        answers = await asyncio.gather(*(answered(call) for call in calls))
        complete = all(ok for _, ok in answers)
        found = [answer or [] for answer, _ in answers]
        invoices = [i for per_person in found[: len(persons)] for i in per_person]
        payments, complaints, announcements = found[len(persons) : len(persons) + 3]
        delivery = answers[-1][0] if holder is not None else None
        letters = await asyncio.gather(
            *(
                answered(
                    backend.get("complaints", f"/complaints/{c['file_number']}/letters", token)
                )
                for c in complaints
            )
        )
        complete = complete and all(ok for _, ok in letters)
        sent = [(c, letter) for c, (said, _) in zip(complaints, letters) for letter in said or []]
        return persons, documents(invoices, payments, sent, announcements), delivery, complete

    persons, inbox, delivery, complete = await web.as_user(session, read)
    return web.page(
        request,
        session,
        "inbox.html",
        persons=persons,
        inbox=inbox,
        delivery=delivery,
        complete=complete,
    )
