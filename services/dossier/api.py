"""The dossier's HTTP API over the booklet and care projections: staff read booklets, with each
person's GMD and medical agreements; members see and change the contact details of the persons
they may act on (DOS-2, ID-7), and see their GMD (DOS-4) and agreements (DOS-5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select

from services.dossier.care_read_model import Care
from services.dossier.contributions import Contributions
from services.dossier.insurance_read_model import Insurances
from services.dossier.read_model import booklet_persons
from services.dossier.views import (
    BookletPersonView,
    ContributionStatusView,
    GmdView,
    InsuranceView,
    MedicalAgreementView,
    PersonView,
)
from shared.access.http import Authenticated, act
from shared.access.persons import Persons
from shared.clock import brussels_day
from shared.contracts.dossier import MEMBER_SERVICES, ChangeContactDetails
from shared.identifiers import Bic, Email, Iban, Insz, PhoneNumber
from shared.problems import Problem, problems
from shared.service import Runtime

# An opaque id, not the national register number: paths end up in logs and histories.
PersonId = Annotated[str, Path(max_length=64, description="The person's id")]


class ContactDetails(BaseModel):
    """Fields left out stay as they are."""

    email: Email | None = None
    phone: PhoneNumber | None = None
    iban: Iban | None = None
    bic: Bic | None = None


class Search(BaseModel):
    """Whom member services look for: a national register (or BIS) number, or the start of a
    last name. Sent in a body, not a query string, so the number stays out of access logs."""

    national_register_number: Insz | None = None
    last_name: str | None = Field(None, min_length=2, max_length=100)

    @model_validator(mode="after")
    def _one_of_them(self) -> Search:
        if (self.national_register_number is None) == (self.last_name is None):
            raise ValueError("give a national register number or a last name")
        return self


# A search by name answers at most this many persons: ask more precisely for the rest.
FOUND_AT_MOST = 50


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["dossier"])

    async def visible(principal, *where, limit: int | None = None) -> list[PersonView]:
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
            query = query.order_by(booklet_persons.c.role.desc(), booklet_persons.c.birth_date)
            rows = await conn.execute(query.limit(limit))
            return [PersonView.of(row._asdict()) for row in rows]

    async def member_may_see(principal, person_id: str) -> None:
        """Only a member asks by person, and learns nothing of a person they may not act on."""
        if principal.role != "member":
            raise Problem(403, "role_not_allowed", "staff read booklets by their id")
        if not await visible(principal, booklet_persons.c.person_id == person_id):
            raise Problem(404, "no_such_person", "no such person among those you may act on")

    @api.get(
        "/booklets/{booklet_id}",
        response_model=list[BookletPersonView],
        responses=problems(403, 404),
    )
    async def booklet(booklet_id: str, principal: Authenticated) -> list[BookletPersonView]:
        """The booklet's persons, each with their GMD (DOS-4) and medical agreements (DOS-5)."""
        persons = await visible(principal, booklet_persons.c.booklet_id == booklet_id)
        if not persons:
            raise Problem(404, "no_such_booklet", f"no booklet {booklet_id!r}")
        ids = [person.person_id for person in persons]
        async with runtime.database.read() as conn:
            care = Care(conn)
            gmds, agreements = await care.gmds(ids), await care.agreements(ids)
        return [
            BookletPersonView.with_care(p, gmds.get(p.person_id), agreements.get(p.person_id, []))
            for p in persons
        ]

    @api.post("/persons/search", response_model=list[PersonView], responses=problems(403, 422))
    async def search(body: Search, principal: Authenticated) -> list[PersonView]:
        """Member services find a person, then read their booklet by its id."""
        if principal.role not in MEMBER_SERVICES:
            raise Problem(403, "role_not_allowed", f"a {principal.role} does not look up members")
        if body.national_register_number is not None:
            where = booklet_persons.c.national_register_number == body.national_register_number
        else:
            name = booklet_persons.c.last_name
            where = func.lower(name).startswith(body.last_name.lower(), autoescape=True)
        return await visible(principal, where, limit=FOUND_AT_MOST)

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
        person_id: PersonId,
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

    @api.get("/persons/{person_id}/gmd", response_model=GmdView, responses=problems(403, 404))
    async def gmd(person_id: PersonId, principal: Authenticated) -> GmdView:
        """DOS-4: the GMD of a person the member may act on: the GP holding it, since when,
        the advantage it gives, and its end once it ended (404 `no_gmd` when there is none)."""
        await member_may_see(principal, person_id)
        async with runtime.database.read() as conn:
            found = (await Care(conn).gmds([person_id])).get(person_id)
        if found is None:
            raise Problem(404, "no_gmd", "no GMD is on record for this person")
        return GmdView.of(found)

    @api.get(
        "/persons/{person_id}/medical-agreements",
        response_model=list[MedicalAgreementView],
        responses=problems(403, 404),
    )
    async def medical_agreements(
        person_id: PersonId, principal: Authenticated
    ) -> list[MedicalAgreementView]:
        """DOS-5: the advising physician's agreements of a person the member may act on, the
        latest start first."""
        await member_may_see(principal, person_id)
        async with runtime.database.read() as conn:
            found = (await Care(conn).agreements([person_id])).get(person_id, [])
        return [MedicalAgreementView.of(agreement) for agreement in found]

    @api.get(
        "/persons/{person_id}/insurances",
        response_model=list[InsuranceView],
        responses=problems(403, 404),
    )
    async def insurances(person_id: PersonId, principal: Authenticated) -> list[InsuranceView]:
        """DOS-8: the Neutra insurances of a person (a member's own persons, or anyone's for
        member services), the latest first, with the waiting periods as of today."""
        [person] = await visible(principal, booklet_persons.c.person_id == person_id) or [None]
        if person is None:
            raise Problem(404, "no_such_person", "no such person among those you may act on")
        async with runtime.database.read() as conn:
            found = (await Insurances(conn).of([person_id])).get(person_id, [])
        today = brussels_day(runtime.clock.now())
        return [InsuranceView.of(row, person.birth_date, today) for row in found]

    @api.get(
        "/persons/{person_id}/contribution-status",
        response_model=ContributionStatusView,
        responses=problems(403, 404),
    )
    async def contribution_status(
        person_id: PersonId, principal: Authenticated
    ) -> ContributionStatusView:
        """DOS-3: whether the person's household is in order with what the fund invoiced it:
        out of order from the day an invoice passes its due date unpaid, with how much."""
        [person] = await visible(principal, booklet_persons.c.person_id == person_id) or [None]
        if person is None:
            raise Problem(404, "no_such_person", "no such person among those you may act on")
        async with runtime.database.read() as conn:
            today = brussels_day(runtime.clock.now())
            status = await Contributions(conn).status(person.booklet_id, today)
        return ContributionStatusView(**vars(status))

    return api
