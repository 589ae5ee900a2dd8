"""Which booklet each person is on: the index that keeps a person on one booklet only (DOS-1),
and the booklet of a person named by their id (DOS-12).

Read-model adapters the handlers reach through their unit of work (`ctx.uow.view(PersonIndex)`),
so the index is written in the same transaction as the booklet's events and a handler's unit
test can give a fake instead."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dossier.domain.booklet import Booklet
from services.dossier.read_model import booklet_persons, person_index
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository


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


class KnownPersons:
    """The booklet of each person the dossier gave an id, from the booklet projection: a
    person's booklet never changes, so a projection a moment behind only misses a person who
    has just joined."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def booklet_of(self, person_id: str) -> str | None:
        return await self.conn.scalar(
            select(booklet_persons.c.booklet_id).where(booklet_persons.c.person_id == person_id)
        )


async def booklet_with(uow: UnitOfWork, aggregates: Repository, person_id: str) -> Booklet | None:
    """The booklet the person is on, as its events left it; None for a person the dossier
    does not know, or no longer (erased)."""
    booklet_id = await uow.view(KnownPersons).booklet_of(person_id)
    if booklet_id is None:
        return None
    booklet = await aggregates.get(Booklet, booklet_id)
    return booklet if person_id in booklet.persons else None
