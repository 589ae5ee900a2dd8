"""DOS-10: the documents a member prints about a person of the booklet — the label sheet, the
return envelope, the incapacity certificate form and the provisional replacement certificate
of the European Health Insurance Card — as PDFs, for the persons the member may act on and for
member services; the rendering is services/dossier/documents/.

A member asking about a person they may not act on is told there is none (404), as everywhere
in the dossier's API (services/dossier/api.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select

from services.dossier import documents
from services.dossier.read_model import booklet_persons
from shared.access.http import Authenticated
from shared.access.persons import Persons
from shared.access.tokens import Principal
from shared.clock import brussels_day
from shared.contracts.dossier import MEMBER_SERVICES
from shared.problems import Problem, problems
from shared.service import Runtime

PersonId = Annotated[str, Path(max_length=64, description="The person's id")]
Language = Annotated[Literal["nl", "fr"], Query(description="Dutch or French")]

# How long a replacement certificate stands in for the card, from the day it is issued: long
# enough for a trip. Our choice, not a figure from a source: the fund is to confirm it.
CERTIFICATE_VALID_FOR = timedelta(days=90)

PDF = {200: {"content": {"application/pdf": {}}, "description": "The document as a PDF"}}

Render = Callable[[documents.Member, documents.Issued, Language], bytes]


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["dossier"])

    async def person(principal: Principal, person_id: str) -> dict[str, Any]:
        """The person's row, if the user may read it: member services read every person, a
        member those they may act on (the rule of api.py's `visible`, copied)."""
        async with runtime.database.read() as conn:
            if principal.role == "member":
                allowed = await Persons(conn).persons_of(principal.actor)
                if person_id not in allowed:
                    raise Problem(
                        404, "no_such_person", "no such person among those you may act on"
                    )
            elif principal.role not in MEMBER_SERVICES:
                raise Problem(
                    403, "role_not_allowed", f"a {principal.role} does not read member files"
                )
            query = select(booklet_persons).where(booklet_persons.c.person_id == person_id)
            row = (await conn.execute(query)).first()
        if row is None:
            raise Problem(404, "no_such_person", f"no person {person_id!r}")
        return row._asdict()

    def issued(row: dict[str, Any]) -> documents.Issued:
        federation = runtime.store.federation
        fund_id = row["regional_fund"]
        fund = federation.fund(fund_id) if fund_id in federation.fund_ids else None
        return documents.Issued(federation, fund, brussels_day(runtime.clock.now()))

    def pdf(content: bytes, name: str, row: dict[str, Any]) -> Response:
        filename = f"{name}-{row['person_id']}.pdf"
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    def printed(path: str, render: Render, summary: str) -> None:
        @api.get(
            f"/persons/{{person_id}}/documents/{path}",
            response_class=Response,
            responses={**PDF, **problems(403, 404, 409, 422)},
            summary=summary,
        )
        async def document(
            person_id: PersonId, principal: Authenticated, language: Language = "nl"
        ) -> Response:
            row = await person(principal, person_id)
            return pdf(render(member_of(row), issued(row), language), path, row)

    printed("labels", documents.render_labels, "DOS-10: the sheet of 24 labels")
    printed("envelope", documents.render_envelope, "DOS-10: the return envelope")
    printed(
        "incapacity-form",
        documents.render_incapacity_form,
        "DOS-10: the incapacity certificate form",
    )

    @api.get(
        "/persons/{person_id}/documents/ehic-certificate",
        response_class=Response,
        responses={**PDF, **problems(403, 404, 409, 422)},
    )
    async def ehic_certificate(
        person_id: PersonId, principal: Authenticated, language: Language = "nl"
    ) -> Response:
        """DOS-10: the provisional replacement certificate of the European Health Insurance
        Card; 409 `membership_ended` for a person no longer insured with the fund."""
        row = await person(principal, person_id)
        if row["membership_ended_on"] is not None:
            raise Problem(
                409,
                "membership_ended",
                f"the membership ended on {row['membership_ended_on'].isoformat()}: the fund "
                "no longer certifies this person's European Health Insurance Card",
            )
        when = issued(row)
        certificate = documents.EhicCertificate(
            member_of(row), when, valid_until=when.on + CERTIFICATE_VALID_FOR
        )
        rendered = documents.render_ehic_certificate(certificate, language)
        return pdf(rendered, "ehic-certificate", row)

    return api


def member_of(row: dict[str, Any]) -> documents.Member:
    """The person as the documents show them; 409 once their identification was erased
    (DOS-12, DOS-13): nothing left to print."""
    number = row["national_register_number"]
    if len(number) != 11 or not number.isdigit():
        raise Problem(409, "person_erased", "this person's identification data was erased")
    address = None
    if row["address_country"]:
        address = documents.PostalAddress(
            street=row["address_street"],
            house_number=row["address_house_number"],
            box=row["address_box"],
            postal_code=row["address_postal_code"],
            municipality=row["address_municipality"],
            country=row["address_country"],
        )
    return documents.Member(
        first_name=row["first_name"],
        last_name=row["last_name"],
        national_register_number=number,
        birth_date=row["birth_date"],
        booklet_id=row["booklet_id"],
        address=address,
        cg1=row["cg1"],
        cg2=row["cg2"],
    )
