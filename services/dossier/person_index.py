"""Which booklet each person is on: the index that keeps a person on one booklet only (DOS-1).

A read-model adapter the handlers reach through their unit of work (`ctx.uow.view(PersonIndex)`),
so it is written in the same transaction as the booklet's events and a handler's unit test can
give a fake instead."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dossier.read_model import person_index


class PersonIndex:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def booklet_of(self, national_register_number: str) -> str | None:
        """The booklet the person is on, if any."""
        return await self.conn.scalar(
            select(person_index.c.booklet_id).where(
                person_index.c.national_register_number == national_register_number
            )
        )

    async def remove(self, national_register_number: str) -> None:
        await self.conn.execute(
            delete(person_index).where(
                person_index.c.national_register_number == national_register_number
            )
        )

    async def add(self, national_register_number: str, booklet_id: str) -> None:
        """Puts the person on the booklet; the primary key keeps two commands that both passed
        `booklet_of` from putting one person on two booklets."""
        await self.conn.execute(
            insert(person_index).values(
                national_register_number=national_register_number, booklet_id=booklet_id
            )
        )
