"""Documents to print (DOS-10, seed 000 "Documenten aanvragen en afdrukken"): for each person
the member may act on, the label sheet, a return envelope, the incapacity certificate form, the
provisional replacement certificate of the European Health Insurance Card (the dossier makes
them) and the benefit attests (payments makes them); the receipts are with the payments, the
fund's letters with the complaints they answer. The portal only passes each PDF on."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.portal.backend import ServiceProblem
from services.portal.session import Session
from services.portal.web import Portal, Web, session_of

router = APIRouter()

# The documents the dossier prints, by the name in their path.
DOSSIER_DOCUMENTS = ("labels", "envelope", "incapacity-form", "ehic-certificate")


async def documents_page(
    request: Request, web: Web, session: Session, status: int = 200, **context
) -> Response:
    async def read(token: str) -> tuple[list, list]:
        persons = await web.backend.get("dossier", "/persons", token)
        return persons, await web.backend.get("complaints", "/complaints", token)

    persons, complaints = await web.as_user(session, read)
    year = web.commands.clock.now().year
    return web.page(
        request,
        session,
        "documents.html",
        status,
        persons=persons,
        complaints=complaints,
        documents=DOSSIER_DOCUMENTS,
        years=(year, year - 1),
        **context,
    )


@router.get("/documents")
async def documents(request: Request, web: Portal) -> Response:
    return await documents_page(request, web, session_of(request))


@router.get("/documents/{person_id}/{name}")
async def document(
    request: Request, web: Portal, person_id: str, name: str, year: int | None = None
) -> Response:
    session = session_of(request)
    language = {"language": session.language}
    if name in DOSSIER_DOCUMENTS:
        service, path = "dossier", f"/persons/{person_id}/documents/{name}"
    elif name == "benefit-attest" and year is not None:
        service, path = "payments", f"/persons/{person_id}/benefit-attest"
        language["year"] = year
    else:
        return web.not_found(request, session)
    try:
        return await web.fetched(
            session, service, path, "application/pdf", f"{name}.pdf", **language
        )
    except ServiceProblem as problem:
        # Nothing to attest that year, no card for a person no longer insured: said on the page.
        if problem.code != "no_benefits" and problem.status != 409:
            raise
        return await documents_page(request, web, session, problem.status, refusal=problem.detail)
