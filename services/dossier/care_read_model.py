"""The read model of a person's care (DOS-4, DOS-5): their GMD as last recorded, and their medical
agreements as each now stands; and the adapter that reads them by person.

Its columns of health data read "erased" once the person is erased or the retention of their
health data ended, as a rebuild after their key was shredded would show them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Date, MetaData, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dossier.read_model import RESTRICTED
from shared.contracts import Event, EventEnvelope
from shared.contracts.care import GmdEnded, GmdRecorded, MedicalAgreementRecorded
from shared.contracts.dossier import PersonErased, RetentionEnded
from shared.privacy.marking import ERASED

metadata = MetaData()

gmds = Table(
    "gmds",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    # Health data: room for the word "erased" or "restricted" too.
    Column("gp_riziv_number", String(16), nullable=False),
    Column("gp_name", String(100), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("advantage", String(32), nullable=False),
    Column("end_date", Date),
)

# By person and agreement: an agreement's id is the advising physician's, unique to no more
# than the person it is about.
medical_agreements = Table(
    "medical_agreements",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("agreement_id", String(64), primary_key=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("nomenclature_code", String(16), nullable=False),
    Column("description", String(200), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("status", String(16), nullable=False),
)

# The columns of health data (the fields marked Personal("health") in the contracts).
HEALTH = {
    gmds: ("gp_riziv_number", "gp_name", "advantage"),
    medical_agreements: ("nomenclature_code", "description"),
}


class CareProjection:
    name = "care"
    tables = (gmds, medical_agreements)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case GmdRecorded(person_id=person_id):
                # A GMD recorded again (moved, corrected, or after one ended) replaces the last.
                values = event.model_dump(exclude={"person_id"}) | {"end_date": None}
                await _put(conn, gmds, {"person_id": person_id}, values)
            case GmdEnded(person_id=person_id, end_date=end_date):
                await conn.execute(
                    update(gmds).where(gmds.c.person_id == person_id).values(end_date=end_date)
                )
            case MedicalAgreementRecorded(person_id=person_id, agreement_id=agreement_id):
                key = {"person_id": person_id, "agreement_id": agreement_id}
                await _put(conn, medical_agreements, key, event.model_dump(exclude=set(key)))
            case PersonErased(person_id=person_id, restricted=restricted):
                await _conceal(conn, person_id, RESTRICTED if "health" in restricted else ERASED)
            case RetentionEnded(person_id=person_id, category="health"):
                await _conceal(conn, person_id, ERASED)


async def _put(
    conn: AsyncConnection, table: Table, key: dict[str, str], values: dict[str, Any]
) -> None:
    where = [table.c[name] == value for name, value in key.items()]
    if await conn.scalar(select(table.c.person_id).where(*where)) is None:
        await conn.execute(insert(table), key | values)
    else:
        await conn.execute(update(table).where(*where).values(**values))


async def _conceal(conn: AsyncConnection, person_id: str, word: str) -> None:
    for table, columns in HEALTH.items():
        await conn.execute(
            update(table)
            .where(table.c.person_id == person_id)
            .values({column: str(word) for column in columns})
        )


class Care:
    """The GMD and agreements of persons, from this read model. A read-model adapter: a route
    builds it on its connection, a handler asks its unit of work for it."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def gmds(self, person_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Each person's GMD row, by person id; none for a person without one."""
        rows = await self.conn.execute(select(gmds).where(gmds.c.person_id.in_(list(person_ids))))
        return {row.person_id: row._asdict() for row in rows}

    async def agreements(self, person_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Each person's agreement rows, by person id, the latest start first."""
        row = medical_agreements.c
        rows = await self.conn.execute(
            select(medical_agreements)
            .where(row.person_id.in_(list(person_ids)))
            .order_by(row.valid_from.desc(), row.agreement_id)
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for agreement in rows:
            found.setdefault(agreement.person_id, []).append(agreement._asdict())
        return found
