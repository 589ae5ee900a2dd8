"""The hospital claims decided (PAY-5), each with every line's computation, for the member and
the handler who want to see why each euro was or was not paid. What the care was and the
reasons are health data: they read "erased" once the person is erased."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import JSON, Column, Date, MetaData, Numeric, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope
from shared.contracts.hospital import HospitalClaimDecided
from shared.privacy.marking import ERASED

metadata = MetaData()
Money = Numeric(12, 2)

hospital_claims = Table(
    "hospital_claims",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("claim_id", String(64), primary_key=True),
    Column("booklet_id", String(64), nullable=False),
    Column("product", String(16)),
    Column("level", String(16)),
    Column("filed_on", Date, nullable=False),
    Column("care_date", Date, nullable=False),
    Column("care_kind", String(32), nullable=False),
    Column("asked", Money, nullable=False),
    Column("benefit", Money, nullable=False),
    Column("refusal", String(1000)),
    Column("lines", JSON, nullable=False),
)


class HospitalClaimsProjection:
    name = "hospital_claims"
    tables = (hospital_claims,)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case HospitalClaimDecided():
                row = event.model_dump(mode="python", exclude={"usage", "lines"})
                lines = [line.model_dump(mode="json") for line in event.lines]
                await conn.execute(insert(hospital_claims), row | {"lines": lines})


class HospitalClaims:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of(self, person_ids: Iterable[str]) -> list[dict]:
        """The claims of these persons, the latest care first."""
        row = hospital_claims.c
        found = await self.conn.execute(
            select(hospital_claims)
            .where(row.person_id.in_(list(person_ids)))
            .order_by(row.care_date.desc(), row.claim_id)
        )
        return [claim._asdict() for claim in found]

    async def forget(self, person_id: str) -> None:
        """An erased person: the amounts stay in the books, what the care was goes."""
        await self.conn.execute(
            update(hospital_claims)
            .where(hospital_claims.c.person_id == person_id)
            .values(lines=[], refusal=str(ERASED), care_kind=str(ERASED))
        )
