"""The open privacy requests, one per person, right and (for a human review) decision (DOS-12):
a read-model adapter the handlers reach through their unit of work, written in the same
transaction as the request, so a second request of the same right is refused even when two
arrive at once (the table's primary key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dossier.privacy_read_model import open_privacy_requests


@dataclass(frozen=True)
class OpenRequest:
    request_id: str
    due_on: date


class OpenRequests:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of(self, person_id: str, right: str, decision: str | None) -> OpenRequest | None:
        row = open_privacy_requests.c
        found = (
            await self.conn.execute(
                select(row.request_id, row.due_on).where(
                    row.person_id == person_id, row.right == right, row.decision == (decision or "")
                )
            )
        ).first()
        return OpenRequest(found.request_id, found.due_on) if found else None

    async def add(
        self, person_id: str, right: str, decision: str | None, request_id: str, due_on: date
    ) -> None:
        await self.conn.execute(
            insert(open_privacy_requests).values(
                person_id=person_id,
                right=right,
                decision=decision or "",
                request_id=request_id,
                due_on=due_on,
            )
        )

    async def remove(self, request_id: str) -> None:
        """The request was answered: the person may ask again."""
        await self.conn.execute(
            delete(open_privacy_requests).where(open_privacy_requests.c.request_id == request_id)
        )
