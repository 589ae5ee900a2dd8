"""The complaints read model: one row per complaint, by file number."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, Text, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope
from shared.contracts.complaints import ComplaintRegistered
from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

complaints = Table(
    "complaints",
    metadata,
    Column("file_number", String(20), primary_key=True),
    Column("complaint_id", String(36), nullable=False, unique=True),
    Column("status", String(32), nullable=False),
    Column("complainant_name", String(200), nullable=False),
    Column("complainant_email", String(320)),
    Column("member_number", String(40)),
    Column("language", String(2), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("reference", String(200)),
    Column("received_at", UtcDateTime, nullable=False),
    Column("registered_at", UtcDateTime, nullable=False),
)


class ComplaintsProjection:
    name = "complaints"
    tables = (complaints,)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        if isinstance(event, ComplaintRegistered):
            await conn.execute(
                insert(complaints).values(
                    **event.model_dump(),
                    status="registered",
                    registered_at=envelope.occurred_at,
                )
            )
