"""CMP-12: a missed deadline is an event monitoring sees. Monitoring follows the complaints
service's events through Kafka and shows open complaints per state, those waiting past a
deadline, and the share of acknowledgements and status messages sent on time."""

from __future__ import annotations


from services.complaints.app import definition as complaints_service
from services.monitoring.app import definition as monitoring_service
from services.monitoring.complaint_deadlines import figures
from shared.clock import FakeClock
from tests.support.procedure import (
    brussels,
    fire,
    register,
    send,
    start_analysis,
)
from tests.support.kafka import eventually
from tests.support.services import running


async def test_cmp12_monitoring_sees_open_complaints_missed_deadlines_and_shares_on_time(
    database_url, kafka, tmp_path
):
    clock = FakeClock(brussels("2026-03-02", 9, 30))  # a Monday; acknowledgement due 10 March
    monitoring_db = f"sqlite+aiosqlite:///{tmp_path / 'monitoring.sqlite'}"
    async with (
        running(complaints_service, database_url, kafka, clock) as complaints,
        running(monitoring_service, monitoring_db, kafka, clock) as monitoring,
    ):
        on_time = await register(complaints)
        forgotten = await register(complaints)
        await start_analysis(complaints, on_time)
        clock.set(brussels("2026-03-11"))  # the forgotten one's acknowledgement is overdue
        await fire(complaints)
        await send(
            complaints,
            "SendStatusUpdate",
            {"file_number": on_time, "note": "We are checking the refund."},
        )

        async def seen():
            """The figures once monitoring read both complaints' last events (they are on
            different partitions, so in no particular order between them)."""
            async with monitoring.database.read() as conn:
                now = await figures(conn)
            complete = now.overdue and now.status_updates_on_time is not None
            return now if complete else None

        shown = await eventually(seen)
        assert shown is not None, "monitoring never saw both complaints' deadlines"

    assert shown.open_by_state == {"acknowledged": 1, "under_analysis": 1}
    assert shown.overdue == [forgotten]
    assert shown.acknowledgements_on_time == 0.5
    assert shown.status_updates_on_time == 1.0
