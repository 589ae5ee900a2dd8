"""Complaint files: found by their file number, loaded from their stream."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.complaints.domain.complaint import Complaint
from services.complaints.domain.model import FileNumberRegister, stream_id
from shared.contracts import events
from shared.eventstore import UnitOfWork
from shared.eventstore.schema import events as stored_events
from shared.messaging.commands import Rejected


def not_found(file_number: str) -> Rejected:
    # Also the answer to a member asking about someone else's file: it says nothing more.
    return Rejected(f"no complaint with file number {file_number}")


async def load(uow: UnitOfWork, file_number: str) -> Complaint:
    complaint_id = await complaint_id_of(uow.conn, file_number)
    if complaint_id is None:
        raise not_found(file_number)
    return await load_by_id(uow, complaint_id)


async def load_by_id(uow: UnitOfWork, complaint_id: str) -> Complaint:
    history = await uow.read_stream(stream_id(complaint_id))
    return Complaint.from_history(complaint_id, [events.decode(e) for e in history])


async def complaint_id_of(conn: AsyncConnection, file_number: str) -> str | None:
    # The register issues sequence n as its n-th event, so one indexed row tells the file.
    year, sequence = (int(part) for part in file_number.split("-"))
    payload = await conn.scalar(
        select(stored_events.c.payload).where(
            stored_events.c.stream_id == FileNumberRegister.stream_id(year),
            stored_events.c.stream_version == sequence,
        )
    )
    if payload is None or payload["file_number"] != file_number:
        return None
    return payload["complaint_id"]
