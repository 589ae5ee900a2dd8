"""The dossier's part of a person's copy (DOS-12): their booklet data as the booklet projection
holds it (names, birth date, national register number, address, contact, bank account,
entitlement, membership end, role, booklet id), their GMD and medical agreements as the care
projection holds them (DOS-4, DOS-5), and the other persons of their booklet by role and id
only, never their data. A person the dossier does not know, or no longer identifies (erased,
or their identification's retention ended), gets an empty part.

The request reaches the dossier on its own events topic (shared.privacy.exports), which the
projector does not follow: the part waits until both projections have applied the request, so
it shows every change recorded before it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dossier.care_read_model import Care, CareProjection
from services.dossier.read_model import BookletsProjection, booklet_persons
from services.dossier.views import GmdView, MedicalAgreementView, PersonView
from shared.contracts import EventEnvelope
from shared.eventstore import UnitOfWork
from shared.privacy.marking import ERASED
from shared.projections import ProjectionBehind, has_applied

persons = booklet_persons.c


def part(
    person: Mapping[str, Any] | None,
    booklet: Sequence[tuple[str, str]],
    gmd: Mapping[str, Any] | None = None,
    agreements: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The part of a person's booklet row (`person`), of their booklet's persons as
    (person id, role), and of their GMD and agreement rows. Pure."""
    if person is None or person["national_register_number"] == ERASED:
        return {}
    shown = PersonView.of(dict(person)).model_dump(mode="json")
    others = [
        {"person_id": person_id, "role": role}
        for person_id, role in booklet
        if person_id != person["person_id"]
    ]
    care = {
        "gmd": GmdView.of(dict(gmd)).model_dump(mode="json") if gmd else None,
        "medical_agreements": [
            MedicalAgreementView.of(dict(a)).model_dump(mode="json") for a in agreements
        ],
    }
    return shown | care | {"others_on_booklet": others}


class PersonalData:
    """What `part` is made from, in the booklet projection. A read-model adapter
    (`uow.view(PersonalData)`); a handler's unit test gives a fake."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def caught_up_with(self, event_id: str) -> bool:
        for projection in (BookletsProjection, CareProjection):
            if not await has_applied(self.conn, projection.name, event_id):
                return False
        return True

    async def person(self, person_id: str) -> dict[str, Any] | None:
        row = (
            await self.conn.execute(select(booklet_persons).where(persons.person_id == person_id))
        ).first()
        return row._asdict() if row else None

    async def booklet(self, booklet_id: str) -> list[tuple[str, str]]:
        """The persons of the booklet as (person id, role), the holder first."""
        rows = await self.conn.execute(
            select(persons.person_id, persons.role)
            .where(persons.booklet_id == booklet_id)
            .order_by(persons.role.desc(), persons.birth_date, persons.person_id)
        )
        return [(person_id, role) for person_id, role in rows]

    async def care(self, person_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The person's GMD row, if any, and their agreement rows."""
        care = Care(self.conn)
        gmds, agreements = await care.gmds([person_id]), await care.agreements([person_id])
        return gmds.get(person_id), agreements.get(person_id, [])


async def part_of(uow: UnitOfWork, request: EventEnvelope, person_id: str) -> dict[str, Any]:
    held = uow.view(PersonalData)
    if not await held.caught_up_with(request.event_id):
        raise ProjectionBehind(f"the dossier's projections have not applied {request.event_id}")
    person = await held.person(person_id)
    booklet = await held.booklet(person["booklet_id"]) if person else []
    gmd, agreements = await held.care(person_id) if person else (None, [])
    return part(person, booklet, gmd, agreements)
