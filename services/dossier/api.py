"""The dossier's read API over the booklet projection."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy import select

from services.dossier.read_model import booklet_persons
from shared.access.http import Authenticated
from shared.service import Runtime


class PersonView(BaseModel):
    national_register_number: str
    role: str
    first_name: str
    last_name: str
    birth_date: date
    language: str
    nationality: str
    regional_fund: str
    email: str | None
    phone: str | None
    iban: str | None
    bic: str | None


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(prefix="/booklets", tags=["dossier"])

    @api.get("/{booklet_id}", response_model=list[PersonView])
    async def booklet(booklet_id: str, principal: Authenticated) -> list[PersonView]:
        # Members see persons once their access grants (ID-7) reach this service; until then
        # only staff read booklets.
        if principal.role == "member":
            raise HTTPException(403, "members' access to booklets is not enabled yet")
        async with runtime.database.read() as conn:
            rows = await conn.execute(
                select(booklet_persons)
                .where(booklet_persons.c.booklet_id == booklet_id)
                .order_by(booklet_persons.c.role.desc(), booklet_persons.c.birth_date)
            )
            persons = [PersonView.model_validate(row._asdict()) for row in rows]
        if not persons:
            raise HTTPException(404, f"no booklet {booklet_id!r}")
        return persons

    return api
