"""Commands over Kafka: handled once, outcome correlated back; CMP-2 unique file numbers."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from mutualis.staff import send_command
from services.complaints.app import definition as complaints_service
from tests.support.services import running

PAYLOAD = {"complainant_name": "An", "subject": "Late refund", "description": "…"}


async def test_cmp2_concurrent_registrations_get_unique_consecutive_file_numbers(
    database_url, kafka
):
    async with running(complaints_service, database_url, kafka):
        outcomes = await asyncio.gather(
            *(
                send_command(kafka, "complaints", "RegisterComplaint", PAYLOAD, "staff:t", 60)
                for _ in range(10)
            )
        )

    assert {o.status for o in outcomes} == {"accepted"}
    numbers = sorted(
        e["payload"]["file_number"]
        for o in outcomes
        for e in o.events
        if e["type"] == "ComplaintRegistered"
    )
    year = datetime.now(timezone.utc).year
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 11)]


async def test_a_redelivered_command_changes_nothing(database_url, kafka):
    from shared.contracts import CommandEnvelope

    command = CommandEnvelope(
        type="RegisterComplaint",
        payload=PAYLOAD,
        issued_at=datetime.now(timezone.utc),
        issued_by="staff:t",
    )
    async with running(complaints_service, database_url, kafka, background=False) as service:
        first = await service.bus.execute(command)
        again = await service.bus.execute(command)

        assert first.status == "accepted" and again is None
        async with service.database.read() as conn:
            assert len(await service.store.read_all(conn)) == 2


async def test_an_unknown_command_is_rejected_with_a_reason(database_url, kafka):
    async with running(complaints_service, database_url, kafka):
        outcome = await send_command(kafka, "complaints", "ShredEverything", {}, "staff:t", 30)

    assert outcome.status == "rejected"
    assert outcome.reason == "this service does not handle 'ShredEverything'"
