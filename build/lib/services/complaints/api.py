"""HTTP read API over the complaints projection."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy import select

from services.complaints.read_model import complaints
from shared.access.http import Authenticated
from shared.service import Runtime


class ComplaintView(BaseModel):
    file_number: str
    complaint_id: str
    status: str
    complainant_name: str
    language: str
    channel: str
    subject: str
    description: str
    reference: str | None
    received_at: datetime
    registered_at: datetime


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(prefix="/complaints", tags=["complaints"])

    @api.get("/{file_number}", response_model=ComplaintView)
    async def get_complaint(file_number: str, principal: Authenticated) -> ComplaintView:
        async with runtime.database.read() as conn:
            row = (
                await conn.execute(
                    select(complaints).where(complaints.c.file_number == file_number)
                )
            ).first()
        if row is None:
            raise HTTPException(404, f"no complaint with file number {file_number!r}")
        return ComplaintView.model_validate(row._asdict())

    return api
