"""Projections: rebuilt from position 0 they equal the original; old event versions upcast."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import insert, select

from services.complaints.app import definition as complaints_service
from services.complaints.read_model import complaints
from shared.clock import FakeClock
from shared.contracts import CommandEnvelope
from shared.eventstore.schema import events as events_table
from tests.support.services import running
from tests.support.staff import HANDLER

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def register(name: str) -> CommandEnvelope:
    return CommandEnvelope(
        type="RegisterComplaint",
        payload={"complainant_name": name, "subject": "Late refund", "description": "…"},
        issued_at=NOW,
    )


async def read_model(runtime) -> list[dict]:
    async with runtime.database.read() as conn:
        rows = await conn.execute(select(complaints).order_by(complaints.c.file_number))
        return [row._asdict() for row in rows]


async def test_a_rebuilt_projection_equals_the_original(database_url, kafka):
    async with running(
        complaints_service, database_url, kafka, FakeClock(NOW), background=False
    ) as service:
        for name in ("An", "Bram", "Chloé", "Dirk"):
            assert (await service.bus.execute(register(name), HANDLER)).status == "accepted"
        await service.projector.run_until_caught_up()
        original = await read_model(service)

        assert await service.projector.rebuild("complaints") == 8

        assert await read_model(service) == original
        assert [r["file_number"] for r in original] == [f"2026-00000{n}" for n in range(1, 5)]


async def test_a_stored_v1_complaint_registered_is_read_as_v2(database_url, kafka):
    async with running(complaints_service, database_url, kafka, background=False) as service:
        # As a v1 producer stored it: a calendar date, not yet an instant.
        async with service.database.begin() as conn:
            await conn.execute(
                insert(events_table).values(
                    transaction_id=0,
                    event_id=str(uuid.uuid4()),
                    stream_id="complaint-old",
                    stream_version=1,
                    type="ComplaintRegistered",
                    version=1,
                    occurred_at=NOW,
                    correlation_id="c",
                    producer="complaints",
                    payload={
                        "complaint_id": "old",
                        "file_number": "2025-000042",
                        "complainant_name": "Els",
                        "language": "fr",
                        "channel": "letter",
                        "subject": "Remboursement",
                        "description": "…",
                        "received_on": "2025-07-14",
                    },
                )
            )
        await service.projector.run_until_caught_up()

        [row] = await read_model(service)
    # Midnight in Brussels on 14 July 2025 (summer time, UTC+2).
    assert row["received_at"] == datetime(2025, 7, 13, 22, 0, tzinfo=timezone.utc)
