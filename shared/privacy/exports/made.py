"""Which person each copy this service made was for (DOS-12): what an erasure shreds and the
month's timer forgets. Request and person ids only, nothing of the copy itself, which lives
sealed in the service's `PersonalDataExported` event.

`Exports` is a read-model adapter: the handlers ask their unit of work for it
(`uow.view(Exports)`), a handler's unit test gives a fake."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, MetaData, String, Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

exports_made = Table(
    "exports_made",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("made_at", UtcDateTime, nullable=False),
)

_exports = exports_made.c


class Exports:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, request_id: str, person_id: str, made_at: datetime) -> None:
        await self.conn.execute(
            insert(exports_made).values(request_id=request_id, person_id=person_id, made_at=made_at)
        )

    async def of_person(self, person_id: str) -> list[str]:
        """The request ids of the copies made of the person and not shredded yet."""
        found = await self.conn.scalars(
            select(_exports.request_id).where(_exports.person_id == person_id)
        )
        return list(found)

    async def forget(self, *request_ids: str) -> None:
        await self.conn.execute(delete(exports_made).where(_exports.request_id.in_(request_ids)))
