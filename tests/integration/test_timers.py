"""Durable timers on a fake clock: each fires exactly once, at its due time, across crashes,
restarts and cancellations. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shared.clock import FakeClock
from shared.eventstore import EventStore, PendingEvent, Timer, unit_of_work
from shared.eventstore.schema import events as events_table
from shared.keys import KekSettings
from shared.timers import Scheduler
from tests.support.events import complaint_registered


class Crash(Exception):
    pass


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(database) -> EventStore:
    return EventStore(database, producer="complaints", kek=KekSettings().key_encryption_key())


async def record_effect(timer: Timer, uow) -> None:
    # The effect of a timer: an event whose id derives from the timer, as real handlers do.
    event = PendingEvent(complaint_registered(), f"effect-{timer.timer_id}"[:36])
    await uow.append(f"timer-{timer.timer_id}", None, [event], correlation_id="timer")


def scheduler(store, clock, handler=record_effect) -> Scheduler:
    return Scheduler(store, clock, {"effect": handler})


async def schedule(store, clock, timer_id: str, due_in: timedelta) -> Timer:
    timer = Timer(timer_id, "effect", clock.now() + due_in, {}, "c")
    async with unit_of_work(store, clock) as uow:
        await uow.schedule(timer)
        await uow.commit()
    return timer


async def effects(store) -> int:
    async with store.database.read() as conn:
        return await conn.scalar(select(func.count()).select_from(events_table))


async def test_a_timer_fires_at_its_due_time_not_a_second_before_and_only_once(store, clock):
    await schedule(store, clock, "ack-1", timedelta(days=8))
    timers = scheduler(store, clock)

    clock.advance(timedelta(days=8) - timedelta(seconds=1))
    assert await timers.fire_due() == 0

    clock.advance(timedelta(seconds=1))
    assert await timers.fire_due() == 1
    assert await timers.fire_due() == 0
    assert await effects(store) == 1


async def test_the_clock_jumping_past_many_deadlines_fires_each_once(store, clock):
    for week in range(1, 11):
        await schedule(store, clock, f"status-{week}", timedelta(weeks=3 * week))

    clock.advance(timedelta(weeks=31))

    assert await scheduler(store, clock).fire_due() == 10
    assert await scheduler(store, clock).fire_due() == 0
    assert await effects(store) == 10


async def test_killed_between_firing_and_recording_still_exactly_one_effect(store, clock):
    await schedule(store, clock, "ack-2", timedelta(days=1))
    clock.advance(timedelta(days=1))

    async def crash_after_effect(timer, uow):
        await record_effect(timer, uow)
        raise Crash()  # the process dies before the unit of work commits

    with pytest.raises(Crash):
        await scheduler(store, clock, crash_after_effect).fire_due()
    assert await effects(store) == 0

    assert await scheduler(store, clock).fire_due() == 1
    assert await effects(store) == 1


async def test_restarted_after_a_deadline_passed_it_fires_at_once(store, clock):
    await schedule(store, clock, "ack-3", timedelta(days=8))
    clock.advance(timedelta(days=20))  # the service was down meanwhile

    restarted = scheduler(store, clock)

    assert await restarted.fire_due() == 1
    assert await effects(store) == 1


async def test_a_cancel_racing_the_due_time_gives_exactly_one_outcome(store, clock):
    timer_ids = [f"race-{n}" for n in range(20)]
    for timer_id in timer_ids:
        await schedule(store, clock, timer_id, timedelta(hours=1))
    clock.advance(timedelta(hours=1))

    async def cancel(timer_id: str) -> bool:
        async with unit_of_work(store, clock) as uow:
            cancelled = await uow.cancel_timer(timer_id)
            await uow.commit()
            return cancelled

    fired, *cancelled = await asyncio.gather(
        scheduler(store, clock).fire_due(), *(cancel(t) for t in timer_ids)
    )

    assert fired + sum(cancelled) == len(timer_ids)
    assert await effects(store) == fired
