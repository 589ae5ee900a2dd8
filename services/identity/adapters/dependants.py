"""The dependants of the booklet a person holds, as identity knows the members (members.py):
whose file the holder's access decisions are about (ID-7). A read-model adapter
(`uow.view(Dependants)`); a handler's unit test gives a fake."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.adapters.members import members

known = members.c


class Dependants:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of_holder(self, person_id: str) -> list[str]:
        """The person ids of the dependants on the booklet `person_id` holds (none if they
        hold none)."""
        held = (
            select(known.booklet_id)
            .where(known.person_id == person_id, known.role == "holder")
            .scalar_subquery()
        )
        found = await self.conn.scalars(
            select(known.person_id)
            .where(known.booklet_id == held, known.role == "dependant")
            .order_by(known.person_id)
        )
        return list(found)
