"""The parts of the copies made for access requests (DOS-12), as the dossier keeps them until
the copy is downloaded: which services make one, and the read-model adapter over their table
(`uow.view(Exports)` in the assembler, the erasure and the timers; a fake in unit tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dossier.privacy_read_model import personal_data_exports

# Every service holding personal data makes its part of the copy (PersonalDataExported); the
# copy is complete when each of these has. A service that starts holding personal data is
# added here, and reads PersonalDataRequested.
EXPORTING_SERVICES: tuple[str, ...] = (
    "dossier",
    "identity",
    "complaints",
    "payments",
    "einvoicing",
)


class Exports:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def keep(
        self,
        request_id: str,
        service: str,
        person_id: str,
        part: dict[str, Any],
        received_at: datetime,
    ) -> bool:
        """Keeps `service`'s part of the copy; a part it had already is kept as it was (False)."""
        row = personal_data_exports.c
        known = await self.conn.scalar(
            select(row.service).where(row.request_id == request_id, row.service == service)
        )
        if known is not None:
            return False
        await self.conn.execute(
            insert(personal_data_exports).values(
                request_id=request_id,
                service=service,
                person_id=person_id,
                part=part,
                received_at=received_at,
            )
        )
        return True

    async def parts_of(self, request_id: str) -> dict[str, dict[str, Any]]:
        """The parts in so far, by service."""
        row = personal_data_exports.c
        rows = await self.conn.execute(
            select(row.service, row.part).where(row.request_id == request_id)
        )
        return {service: part for service, part in rows}

    async def forget_person(self, person_id: str) -> None:
        """The person is erased: the copies of their data go with them."""
        await self.conn.execute(
            delete(personal_data_exports).where(personal_data_exports.c.person_id == person_id)
        )

    async def forget_request(self, request_id: str) -> None:
        """The copy's retention ended."""
        await self.conn.execute(
            delete(personal_data_exports).where(personal_data_exports.c.request_id == request_id)
        )
