"""The dossier's HTTP API over the booklet projection: staff read booklets; members see and
change the contact details of the persons they may act on (DOS-2, ID-7)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from sqlalchemy import select

from services.dossier.read_model import booklet_persons
from services.dossier.views import PersonView
from shared.access.http import Authenticated, act
from shared.access.persons import Persons
from shared.contracts.dossier import MEMBER_SERVICES, ChangeContactDetails
from shared.identifiers import Bic, Email, Iban, PhoneNumber
from shared.problems import Problem, problems
from shared.service import Runtime


class ContactDetails(BaseModel):
    """Fields left out stay as they are."""

    email: Email | None = None
    phone: PhoneNumber | None = None
    iban: Iban | None = None
    bic: Bic | None = None


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["dossier"])

    async def visible(principal, *where) -> list[PersonView]:
        """Persons matching `where`: every one for member services, for a member only those
        they may act on."""
        query = select(booklet_persons).where(*where)
        async with runtime.database.read() as conn:
            if principal.role == "member":
                allowed = await Persons(conn).persons_of(principal.actor)
                query = query.where(booklet_persons.c.person_id.in_(allowed))
            elif principal.role not in MEMBER_SERVICES:
                raise Problem(
                    403, "role_not_allowed", f"a {principal.role} does not read member files"
                )
            rows = await conn.execute(
                query.order_by(booklet_persons.c.role.desc(), booklet_persons.c.birth_date)
            )
            return [PersonView.of(row._asdict()) for row in rows]

    @api.get(
        "/booklets/{booklet_id}", response_model=list[PersonView], responses=problems(403, 404)
    )
    async def booklet(booklet_id: str, principal: Authenticated) -> list[PersonView]:
        persons = await visible(principal, booklet_persons.c.booklet_id == booklet_id)
        if not persons:
            raise Problem(404, "no_such_booklet", f"no booklet {booklet_id!r}")
        return persons

    @api.get("/persons", response_model=list[PersonView], responses=problems(403))
    async def my_persons(principal: Authenticated) -> list[PersonView]:
        """The member's own file and those of the persons they may act on."""
        if principal.role != "member":
            raise Problem(403, "role_not_allowed", "staff read booklets by their id")
        return await visible(principal)

    @api.patch(
        "/persons/{person_id}/contact-details",
        status_code=204,
        responses=problems(403, 404, 409, 422),
    )
    async def change_contact_details(
        # An opaque id, not the national register number: paths end up in logs and histories.
        person_id: Annotated[str, Path(max_length=64, description="The person's id")],
        details: ContactDetails,
        request: Request,
        principal: Authenticated,
    ) -> None:
        """DOS-2: e-mail, phone and bank account of a person the user may act on."""
        [person] = await visible(principal, booklet_persons.c.person_id == person_id) or [None]
        if person is None:
            raise Problem(404, "no_such_person", "no such person among those you may act on")
        change = ChangeContactDetails(
            booklet_id=person.booklet_id,
            national_register_number=person.national_register_number,
            **details.model_dump(exclude_none=True),
        )
        await act(request, principal, change)

    return api
