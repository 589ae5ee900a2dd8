"""The optional hospitalisation insurances (DOS-8): for each person the member may act on, the
Neutra insurances they hold or held, the earlier cover counted with them, and the waiting
periods as the dossier reckons them today (over, or until when; in a pregnancy, the benefit of
a lower level from its seventh month)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.portal.web import Portal, session_of
from shared.clock import brussels_day
from shared.contracts.insurance import Product

router = APIRouter()


@router.get("/insurances")
async def insurances_page(request: Request, web: Portal) -> Response:
    session = session_of(request)
    backend = web.backend

    async def read(token: str) -> tuple[list, list]:
        persons = await backend.get("dossier", "/persons", token)
        found = await asyncio.gather(
            *(
                backend.get("dossier", f"/persons/{p['person_id']}/insurances", token)
                for p in persons
            )
        )
        return persons, found

    persons, found = await web.as_user(session, read)
    return web.page(
        request,
        session,
        "insurances.html",
        persons=[{**p, "insurances": held} for p, held in zip(persons, found, strict=True)],
        today=brussels_day(web.commands.clock.now()).isoformat(),
        product_name=product_name,
    )


def product_name(code: Any) -> str:
    """A product's name as the fund writes it (Neutra +, Neutra Base), whatever its code."""
    try:
        return Product(code).label
    except ValueError:
        return str(code)
