"""The complaint procedure in a running complaints service, on SQLite and PostgreSQL with a
real broker, its deadlines on durable timers and a fake clock (CMP-3, CMP-5, CMP-7, CMP-9,
CMP-12). The clock is moved and the scheduler driven; nothing sleeps for a deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from services.complaints.app import definition as complaints_service
from services.complaints.read_model import complaints
from services.complaints.report import report
from shared.clock import FakeClock
from shared.contracts import CommandEnvelope
from shared.eventstore.schema import events as events_table
from shared.eventstore.schema import timers
from shared.privacy.command_keys import ROTATION
from tests.support.procedure import (
    MEDIATOR,
    brussels,
    fire,
    register,
    send,
    start_analysis,
)
from tests.support.recorded import recorded
from tests.support.services import running
from tests.support.staff import HANDLER
from tests.support.waiting import eventually


async def settled(service) -> None:
    """Waits until every stored event is readable in global order (on PostgreSQL any
    transaction on the server holds the commit horizon back for a moment), then brings the
    read model up to date."""

    async def readable() -> bool:
        async with service.database.read() as conn:
            stored = await conn.scalar(select(func.count()).select_from(events_table))
            return len(await service.store.read_all(conn, limit=100_000)) == stored

    assert await eventually(readable)
    await service.projector.run_until_caught_up()


async def payloads(service, event_type: str) -> list[dict]:
    await settled(service)
    return [e.payload for e in await recorded(service, event_type)]


async def timer_states(service) -> dict[str, str]:
    """The complaints' timers (not the daily rotation of the command keys)."""
    async with service.database.read() as conn:
        rows = await conn.execute(
            select(timers.c.timer_id, timers.c.status).where(timers.c.kind != ROTATION)
        )
        return {row.timer_id: row.status for row in rows}


async def row(service, file_number: str) -> dict:
    await settled(service)
    async with service.database.read() as conn:
        found = await conn.execute(
            select(complaints).where(complaints.c.file_number == file_number)
        )
        return found.one()._asdict()


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-03-02", "2026-03-10"),  # day 8 is Tuesday 10 March, a working day
        ("2026-07-13", "2026-07-22"),  # day 8 is National Day, Tuesday 21 July → Wednesday
        ("2026-03-06", "2026-03-16"),  # day 8 is Saturday 14 March → Monday
    ],
)
async def test_cmp3_acknowledged_on_the_due_day_is_on_time_the_day_after_is_overdue(
    database_url, kafka, received, due
):
    clock = FakeClock(brussels(received, 10))
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        on_time = await register(service)
        late = await register(service)
        # Scheduling the same duty's timers again (each step does) changes nothing.
        await send(service, "AssignComplaint", {"file_number": late, "handler": "handler-7"})
        assert list((await timer_states(service)).values()) == ["scheduled"] * 4

        clock.set(brussels(due, 23, 59))
        await fire(service)
        await send(service, "AcknowledgeComplaint", {"file_number": on_time})
        assert await payloads(service, "AcknowledgementOverdue") == []

        clock.set(brussels(due) + timedelta(days=1))
        await fire(service)

        [breach] = await payloads(service, "AcknowledgementOverdue")
        assert (breach["due_on"], breach["assignee"]) == (due, "handler-7")
        reminded = await payloads(service, "HandlerReminded")
        assert sorted((r["duty"], r["assignee"] or "") for r in reminded) == [
            ("acknowledgement", ""),
            ("acknowledgement", "handler-7"),
        ]
        letters = await payloads(service, "ComplaintLetterSent")
        assert [(x["file_number"], x["standard"]) for x in letters] == [
            (on_time, False),
            (late, True),
        ]
        assert (await row(service, late))["acknowledgement_overdue"] is True
        assert (await row(service, on_time))["acknowledgement_overdue"] is False
        assert (await row(service, late))["acknowledgement_due_on"] == date.fromisoformat(due)


async def test_cmp5_status_messages_are_due_at_3_6_and_9_weeks(database_url, kafka):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        file_number = await register(service)
        await start_analysis(service, file_number)

        for n, due in enumerate(["2026-03-23", "2026-04-13", "2026-05-04"], start=1):
            assert (await row(service, file_number))["next_status_due_on"] == date.fromisoformat(
                due
            )
            clock.set(brussels(due, 23, 59))
            await fire(service)
            assert len(await payloads(service, "StatusUpdateOverdue")) == n - 1
            clock.set(brussels(due) + timedelta(days=1))
            await fire(service)
            breaches = await payloads(service, "StatusUpdateOverdue")
            assert (len(breaches), breaches[-1]["due_on"]) == (n, due)

        assert (await row(service, file_number))["missed_status_updates"] == 3


async def test_cmp12_the_clock_jumping_10_weeks_fires_each_due_timer_exactly_once(
    database_url, kafka
):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        file_number = await register(service)
        await start_analysis(service, file_number)

        clock.advance(timedelta(weeks=10))
        fired = await fire(service)

        breaches = await payloads(service, "StatusUpdateOverdue")
        assert [b["due_on"] for b in breaches] == ["2026-03-23", "2026-04-13", "2026-05-04"]
        assert fired == 6  # a reminder and a deadline for each of the three periods
        assert await fire(service) == 0
        # Reminders after their deadline say nothing the breach does not.
        assert [r["duty"] for r in await payloads(service, "HandlerReminded")] == []
        states = await timer_states(service)
        assert sorted(states.values()).count("fired") == 6
        assert list(states.values()).count("cancelled") == 2  # the acknowledgement's
        # The fourth period, due 4 May + 3 weeks = Whit Monday 25 May → Tuesday.
        assert list(states.values()).count("scheduled") == 2
        assert (await row(service, file_number))["next_status_due_on"] == date(2026, 5, 26)


async def test_cmp12_a_restart_in_between_loses_no_timer(database_url, kafka):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        acknowledged = await register(service)
        forgotten = await register(service)
        await start_analysis(service, acknowledged)

    clock.set(brussels("2026-03-11", 9))  # the service was down over the deadline
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        await fire(service)
        [breach] = await payloads(service, "AcknowledgementOverdue")
        assert breach["due_on"] == "2026-03-10"

    clock.set(brussels("2026-03-24", 9))
    async with running(complaints_service, database_url, kafka, clock) as service:
        # The background scheduler this time.
        assert await eventually(lambda: payloads(service, "StatusUpdateOverdue"))
        [breach] = await payloads(service, "StatusUpdateOverdue")
        assert breach["due_on"] == "2026-03-23"
        assert len(await payloads(service, "AcknowledgementOverdue")) == 1
        assert (await row(service, forgotten))["status"] == "acknowledged"


async def test_cmp5_waiting_for_information_pauses_the_status_clock(database_url, kafka):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        file_number = await register(service)
        await start_analysis(service, file_number)  # first status message due 23 March

        clock.set(brussels("2026-03-09", 10))  # 14 days left
        await send(service, "RequestInformation", {"file_number": file_number, "question": "?"})
        assert (await row(service, file_number))["next_status_due_on"] is None
        clock.set(brussels("2026-03-31", 10))  # long past the 23rd: nothing is due
        assert await fire(service) == 0

        clock.set(brussels("2026-04-01", 10))
        await send(service, "ReceiveInformation", {"file_number": file_number})
        assert (await row(service, file_number))["next_status_due_on"] == date(2026, 4, 15)
        clock.set(brussels("2026-04-15", 23, 59))
        await fire(service)
        assert await payloads(service, "StatusUpdateOverdue") == []
        clock.set(brussels("2026-04-16"))
        await fire(service)

        [breach] = await payloads(service, "StatusUpdateOverdue")
        assert breach["due_on"] == "2026-04-15"
        assert [p["due_on"] for p in await payloads(service, "HandlerReminded")] == ["2026-04-15"]


async def test_cmp5_a_status_message_restarts_the_3_week_period(database_url, kafka):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        file_number = await register(service)
        await start_analysis(service, file_number)

        clock.set(brussels("2026-03-12", 10))
        await send(service, "SendStatusUpdate", {"file_number": file_number, "note": "Asked."})
        clock.set(brussels("2026-03-30"))  # past the first period's due day
        await fire(service)

        assert await payloads(service, "StatusUpdateOverdue") == []
        assert (await row(service, file_number))["next_status_due_on"] == date(2026, 4, 2)
        [status] = [
            x for x in await payloads(service, "ComplaintLetterSent") if x["kind"] == "status"
        ]
        assert "Asked." in status["text"] and not status["standard"]


async def test_cmp6_to_cmp9_answer_mediator_closure_recommendation_and_the_report(
    database_url, kafka
):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        answered = await register(service)
        await start_analysis(service, answered)
        await send(
            service,
            "AnswerComplaint",
            {"file_number": answered, "verdict": "unfounded", "motivation": "Paid right."},
        )
        await send(service, "EscalateToMediator", {"file_number": answered, "disagreement": "No."})
        await send(
            service,
            "AnswerAsMediator",
            {"file_number": answered, "verdict": "partly_founded", "motivation": "Partly."},
            MEDIATOR,
        )
        await send(service, "CloseComplaint", {"file_number": answered}, MEDIATOR)
        await send(
            service,
            "RecordRecommendation",
            {"file_number": answered, "recommendation": "Explain the tariff on the statement."},
        )
        unrelated = await register(service, category="service")
        await send(
            service,
            "DecideAdmissibility",
            {
                "file_number": unrelated,
                "admissible": False,
                "ground": "unrelated_to_fund",
                "motivation": "About the hospital.",
            },
        )
        await register(service)  # still pending
        await settled(service)

        async with service.database.read() as conn:
            year = await report(conn, date(2026, 1, 1), date(2026, 12, 31))
        assert [(x.category, x.outcome, x.complaints) for x in year.lines] == [
            ("reimbursement", "partly_founded", 1),
            ("service", "inadmissible", 1),
            ("uncategorised", "pending", 1),
        ]
        assert [r.recommendation for r in year.recommendations] == [
            "Explain the tariff on the statement."
        ]
        closed = await row(service, answered)
        assert (closed["status"], closed["outcome"]) == ("closed", "partly_founded")

        before = [await row(service, n) for n in (answered, unrelated)]
        await service.projector.rebuild("complaints")
        assert [await row(service, n) for n in (answered, unrelated)] == before


async def test_cmp8_closing_an_unanswered_complaint_is_rejected_with_its_reason(
    database_url, kafka
):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(complaints_service, database_url, kafka, clock, background=False) as service:
        file_number = await register(service)
        envelope = CommandEnvelope(
            type="CloseComplaint", payload={"file_number": file_number}, issued_at=clock.now()
        )

        outcome = await service.bus.execute(envelope, HANDLER)

        assert outcome.status == "rejected"
        assert outcome.reason == (
            f"complaint {file_number} is registered; only a complaint that is answered or "
            "answered by the mediator can be closed"
        )
        assert await recorded(service, "ComplaintClosed") == []
