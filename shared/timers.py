"""Fires durable timers when the injected clock says they are due, each exactly once.

A timer's effect and its `fired` mark are written in one transaction, after claiming the row
(`scheduled` → `fired`); a cancel claims the same row the other way. So a crash before commit
leaves the timer to fire again, and a cancel racing the due time gives exactly one outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from sqlalchemy import func, select

from shared.clock import Clock
from shared.eventstore import EventStore, Timer, UnitOfWork, unit_of_work
from shared.eventstore.schema import timers
from shared.logging import bind_correlation, get_logger
from shared.metrics import Metrics
from shared.retrying import poll_until_stopped

log = get_logger(__name__)

TimerHandler = Callable[[Timer, UnitOfWork], Awaitable[None]]

# A due timer fires within a poll interval; still unfired after this, something is wrong.
OVERDUE_AFTER = timedelta(minutes=1)


class Scheduler:
    def __init__(
        self,
        store: EventStore,
        clock: Clock,
        handlers: Mapping[str, TimerHandler],
        batch_size: int = 100,
        metrics: Metrics | None = None,
    ) -> None:
        self.store, self.clock, self.handlers = store, clock, dict(handlers)
        self.batch_size = batch_size
        self.metrics = metrics or Metrics()

    async def fire_due(self) -> int:
        """Fires every timer due at the clock's current time; returns how many fired."""
        fired = 0
        while due := await self._due():
            for timer in due:
                fired += await self._fire(timer)
            if len(due) < self.batch_size:
                break
        return fired

    async def measure(self) -> None:
        """Sets the gauges of timers due and overdue at the clock's current time; asked when
        metrics are read, so a scheduler that stopped firing shows its backlog."""
        now = self.clock.now()
        overdue = func.count().filter(timers.c.due_at <= now - OVERDUE_AFTER)
        query = select(func.count(), overdue).where(
            timers.c.status == "scheduled", timers.c.due_at <= now
        )
        async with self.store.database.read() as conn:
            due, overdue = (await conn.execute(query)).one()
        self.metrics.timers_due.set(due)
        self.metrics.timers_overdue.set(overdue)

    async def run(self, stop: asyncio.Event, idle_wait: float) -> None:
        await poll_until_stopped(self.fire_due, stop, idle_wait, "timers")

    async def _due(self) -> list[Timer]:
        async with self.store.database.read() as conn:
            rows = await conn.execute(
                select(timers)
                .where(timers.c.status == "scheduled", timers.c.due_at <= self.clock.now())
                .order_by(timers.c.due_at, timers.c.timer_id)
                .limit(self.batch_size)
            )
            return [Timer(r.timer_id, r.kind, r.due_at, r.payload, r.correlation_id) for r in rows]

    async def _fire(self, timer: Timer) -> int:
        handler = self.handlers.get(timer.kind)
        if handler is None:
            log.error("timers.no_handler", kind=timer.kind, timer_id=timer.timer_id)
            return 0
        with bind_correlation(correlation_id=timer.correlation_id):
            async with unit_of_work(self.store, self.clock) as uow:
                if not await uow.claim_timer(timer.timer_id):
                    return 0  # cancelled or fired by another scheduler meanwhile
                await handler(timer, uow)
                await uow.commit()
            log.info("timers.fired", kind=timer.kind, timer_id=timer.timer_id)
        return 1
