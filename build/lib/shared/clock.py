"""Time as an input: services read the clock they are given, tests move a fake one."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FakeClock:
    """A clock that only moves when told to; waiters (e.g. the timer scheduler) are woken."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
        if self._now.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        self.moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        return self.set(self._now + delta)

    def set(self, when: datetime) -> datetime:
        if when.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        self._now = when
        self.moved.set()
        return self._now
