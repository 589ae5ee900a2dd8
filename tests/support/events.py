"""Events for tests, with random ids instead of cleanup."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from shared.contracts.complaints import ComplaintRegistered
from shared.eventstore import PendingEvent


def complaint_registered(n: int = 1, **overrides) -> ComplaintRegistered:
    values = dict(
        complaint_id=str(uuid.uuid4()),
        file_number=f"2026-{n:06d}",
        complainant_name="Els Peeters",
        language="nl",
        channel="letter",
        subject="Refund missing",
        description="My physiotherapy refund of March is missing.",
        received_at=datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc),
    )
    return ComplaintRegistered(**{**values, **overrides})


def pending(event=None) -> PendingEvent:
    return PendingEvent(event or complaint_registered(), str(uuid.uuid4()))


def random_stream() -> str:
    return f"complaint-{uuid.uuid4()}"
