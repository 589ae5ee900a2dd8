"""Issue 9, item 7: the one retry policy (shared.retrying). A background worker logs an outage
once and its end once, backs off more and more (to a cap) while it lasts, and still stops at
once; a unit of work that lost a race for a stream runs again, a few times, then the command is
rejected. No test sleeps more than a few milliseconds: the backoff is made tiny or instant."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from structlog.testing import capture_logs
from tenacity import RetryCallState, wait_fixed, wait_none

from shared import retrying
from shared.clock import FakeClock
from shared.contracts import Actor, CommandEnvelope
from shared.contracts.complaints import RegisterComplaint
from shared.eventstore import EventStore, WrongExpectedVersion, connect
from shared.keys import KekSettings
from shared.messaging.commands import CommandBus
from shared.retrying import (
    CONFLICT_ATTEMPTS,
    OUTAGE_BACKOFF,
    OUTAGE_FIRST_DELAY,
    OUTAGE_LONGEST_DELAY,
    poll_until_stopped,
    retry_on_conflict,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


class Outage(Exception):
    pass


def scripted(*outcomes, stop: asyncio.Event):
    """A worker's step that fails (an exception) or does work (a count) as told, then sets
    `stop`; returns it and the number of times it ran."""
    runs = []

    async def step() -> int:
        runs.append(1)
        if len(runs) > len(outcomes):
            stop.set()
            return 0
        outcome = outcomes[len(runs) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return step, runs


def delay_before(attempt: int, backoff=OUTAGE_BACKOFF) -> float:
    """The wait after the `attempt`-th failure in a row."""
    state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    return backoff(state)


async def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends():
    stop = asyncio.Event()
    outage = [Outage("database down"), Outage("still down"), Outage("still down")]
    step, _ = scripted(*outage, 0, Outage("down again"), 3, stop=stop)

    with capture_logs() as logs:
        await poll_until_stopped(step, stop, 0.001, "worker", outage_backoff=wait_none())

    assert [(e["event"], e["log_level"]) for e in logs] == [
        ("worker.failing", "warning"),
        ("worker.recovered", "info"),
        ("worker.failing", "warning"),
        ("worker.recovered", "info"),
    ]
    first, recovered, again, _ = logs
    assert first["error"] == "database down" and isinstance(first["exc_info"], Outage)
    assert again["error"] == "down again"
    assert recovered["failed_attempts"] == 3 and recovered["outage_seconds"] >= 0


async def test_a_worker_waits_longer_after_each_failure_of_an_outage():
    stop = asyncio.Event()
    step, _ = scripted(*[Outage("down")] * 8, 0, stop=stop)
    waited = []

    def a_ten_thousandth_of_the_policy(state: RetryCallState) -> float:
        waited.append(OUTAGE_BACKOFF(state))
        return waited[-1] / 10_000  # 8 failures: under 3 ms of real waiting in all

    await poll_until_stopped(
        step, stop, 0.001, "worker", outage_backoff=a_ten_thousandth_of_the_policy
    )

    assert len(waited) == 8
    assert waited == sorted(waited) and waited[-1] > 10 * waited[0]


def test_the_backoff_doubles_from_a_tenth_of_a_second_to_thirty_seconds_with_jitter():
    for attempt in range(1, 40):
        ceiling = min(OUTAGE_FIRST_DELAY * 2 ** (attempt - 1), OUTAGE_LONGEST_DELAY)
        assert ceiling / 2 <= delay_before(attempt) <= ceiling, attempt
    assert delay_before(1) <= 0.1
    assert 15 <= delay_before(1000) <= 30  # capped, however long the outage
    # Jitter: workers failing together do not come back together.
    assert len({delay_before(5) for _ in range(20)}) > 1


async def test_a_worker_in_backoff_stops_as_soon_as_stop_is_set():
    stop, failed = asyncio.Event(), asyncio.Event()
    runs = []

    async def step() -> int:
        runs.append(1)
        failed.set()
        raise Outage("down")

    worker = asyncio.create_task(
        poll_until_stopped(step, stop, 0.001, "worker", outage_backoff=wait_fixed(60))
    )
    await failed.wait()
    stop.set()

    await asyncio.wait_for(worker, 1)  # not the minute of backoff
    assert len(runs) == 1  # and no step once stopped


async def test_a_worker_that_did_work_looks_for_more_at_once():
    stop = asyncio.Event()
    step, runs = scripted(5, 5, 5, stop=stop)

    # An idle wait of a minute would time this out: found work is followed by no wait.
    await asyncio.wait_for(poll_until_stopped(step, stop, 60, "worker"), 1)

    assert len(runs) == 4


async def run_with_conflicts(conflicts: int, runs: list) -> str:
    async for attempt in retry_on_conflict(conflict_backoff=wait_none()):
        with attempt:
            runs.append(1)
            if len(runs) <= conflicts:
                raise WrongExpectedVersion("complaint-1", len(runs), len(runs) + 1)
            return "decided on the new state"


async def test_a_unit_of_work_that_lost_a_race_runs_again():
    runs = []

    assert await run_with_conflicts(2, runs) == "decided on the new state"
    assert len(runs) == 3


async def test_a_unit_of_work_that_keeps_losing_gives_up_with_the_conflict():
    runs = []

    with pytest.raises(WrongExpectedVersion):
        await run_with_conflicts(100, runs)
    assert len(runs) == CONFLICT_ATTEMPTS


async def test_an_error_other_than_a_conflict_is_not_retried():
    runs = []
    with pytest.raises(ValueError):
        async for attempt in retry_on_conflict(conflict_backoff=wait_none()):
            with attempt:
                runs.append(1)
                raise ValueError("a bug, not a race")
    assert len(runs) == 1


def test_conflict_retries_wait_a_little_more_each_time_but_never_long():
    delays = [delay_before(n, retrying.CONFLICT_BACKOFF) for n in range(1, CONFLICT_ATTEMPTS)]
    assert delays == sorted(delays) and sum(delays) <= 0.2


@pytest.fixture
async def store(tmp_path):
    database = connect(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite'}")
    await database.migrate()
    yield EventStore(database, producer="complaints", kek=KekSettings().key_encryption_key())
    await database.dispose()


async def test_a_command_whose_file_keeps_changing_is_rejected_with_the_reason(store, monkeypatch):
    monkeypatch.setattr(retrying, "CONFLICT_BACKOFF", wait_none())
    tries = []

    async def always_beaten(command, ctx) -> None:
        tries.append(command)
        raise WrongExpectedVersion("complaint-1", 1, 2)

    bus = CommandBus(
        store, FakeClock(NOW), {RegisterComplaint: always_beaten}, "commands", "outcomes"
    )
    envelope = CommandEnvelope(
        type="RegisterComplaint",
        payload={"complainant_name": "An", "subject": "Late refund", "description": "…"},
        issued_at=NOW,
    )
    handler = Actor(account_id="handler-1", role="complaints_handler", authenticated_by="pwd")

    outcome = await bus.execute(envelope, handler)

    assert len(tries) == CONFLICT_ATTEMPTS
    assert outcome.status == "rejected"
    assert outcome.reason.startswith("the file kept changing")
