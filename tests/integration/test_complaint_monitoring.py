"""CMP-12: a missed deadline is an event monitoring sees. Monitoring follows the complaints
service's events through Kafka and shows open complaints per state, those waiting past a
deadline, and the share of acknowledgements and status messages sent on time; to staff only
(issue 8)."""

from __future__ import annotations

from sqlalchemy import func, select

from services.complaints.app import definition as complaints_service
from services.monitoring.app import definition as monitoring_service
from services.monitoring.complaint_deadlines import figures
from services.monitoring.read_model import event_counts
from shared.clock import FakeClock
from tests.support.http import bearer, client
from tests.support.procedure import (
    brussels,
    fire,
    register,
    send,
    start_analysis,
)
from tests.support.services import running
from tests.support.waiting import eventually


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
            """The figures once monitoring has counted every event the complaints service
            recorded: they are on different partitions, read in no particular order between
            them, and one step (a missed deadline, then the standard message) can be two."""
            async with complaints.database.read() as conn:
                recorded = len(await complaints.store.read_all(conn, limit=100_000, settled=False))
            async with monitoring.database.read() as conn:
                counted = await conn.scalar(
                    select(func.sum(event_counts.c.count)).where(
                        event_counts.c.producer == "complaints"
                    )
                )
                return await figures(conn) if counted == recorded else None

        shown = await eventually(seen)
        assert shown is not None, "monitoring never saw both complaints' deadlines"

    assert shown.open_by_state == {"acknowledged": 1, "under_analysis": 1}
    assert shown.overdue == [forgotten]
    assert shown.acknowledgements_on_time == 0.5
    assert shown.status_updates_on_time == 1.0


async def test_issue8_8_monitoring_answers_staff_only_and_still_counts_identitys_events(
    database_url, kafka, signer
):
    """Monitoring reads identity's events twice over: into the access projection that checks
    tokens, and into the counts of every stream."""
    async with running(monitoring_service, database_url, kafka) as monitoring:
        await signer.known_by(monitoring)
        await signer.announce_member(monitoring, "els", "85073003328")
        async with client(monitoring) as api:
            anonymous = await api.get("/complaints")
            garbage = await api.get("/complaints", headers={"Authorization": b"Bearer \xff.\xfe"})
            member = await api.get("/complaints", headers=bearer(signer.token("member", "els")))
            staff = {
                role: (await api.get(page, headers=bearer(signer.token(role)))).status_code
                for role in ("complaints_handler", "mediator", "member_services", "admin")
                for page in ("/counts", "/complaints")
            }

            async def both_counted():
                counts = await api.get("/counts", headers=bearer(signer.token("admin")))
                identity = counts.json().get("identity", {})
                return identity if len(identity) == 2 else None

            counted = await eventually(both_counted)

    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert garbage.status_code == 401
    assert member.status_code == 403
    assert set(staff.values()) == {200}, staff
    assert counted == {"SigningKeyPublished": 1, "PortalAccountRegistered": 1}
