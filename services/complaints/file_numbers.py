"""Finding a complaint by its file number: commands name a complaint by the number its
complainant was told (CMP-2), its stream is keyed by its id.

`FileNumbers` is a read-model adapter: a handler asks its unit of work for it
(`ctx.uow.view(FileNumbers)`), a handler's unit test gives a fake."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.complaints.domain.complaint import Complaint
from services.complaints.read_model import file_numbers
from shared.messaging.commands import CommandContext
from shared.refusal import Refused


class FileNumbers:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def complaint_id_of(self, file_number: str) -> str | None:
        return await self.conn.scalar(
            select(file_numbers.c.complaint_id).where(file_numbers.c.file_number == file_number)
        )

    async def add(
        self, file_number: str, complaint_id: str, complainant_person: str | None = None
    ) -> None:
        """Called in the transaction that issued the number, so it is never told before it can
        be found."""
        await self.conn.execute(
            insert(file_numbers).values(
                file_number=file_number,
                complaint_id=complaint_id,
                complainant_person=complainant_person,
            )
        )

    async def filed_by(self, person_id: str) -> list[str]:
        """The ids of the complaints the person filed."""
        found = await self.conn.scalars(
            select(file_numbers.c.complaint_id).where(
                file_numbers.c.complainant_person == person_id
            )
        )
        return list(found)

    async def forget_person(self, person_id: str) -> None:
        await self.conn.execute(
            update(file_numbers)
            .where(file_numbers.c.complainant_person == person_id)
            .values(complainant_person=None)
        )


def not_found(file_number: str) -> Refused:
    # Also the answer to a member asking about someone else's file: it says nothing more.
    return Refused(f"no complaint with file number {file_number}")


async def find(ctx: CommandContext, file_number: str) -> Complaint:
    """The complaint with this file number, loaded to be changed and saved by `ctx`."""
    complaint_id = await ctx.uow.view(FileNumbers).complaint_id_of(file_number)
    if complaint_id is None:
        raise not_found(file_number)
    return await ctx.aggregates.get(Complaint, complaint_id)
