"""Time as an input: services read the clock they are given, tests move a fake one."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

# Where the fund's days begin and end: a due day, a value date, the day a certificate came in.
BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels_day(moment: datetime) -> date:
    """The day `moment` falls on in Brussels."""
    return moment.astimezone(BRUSSELS).date()


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ShiftedClock:
    """The system's time moved on by the number of seconds written in a file, so that a test
    or a demo moves the time of every process of a running system at once (like libfaketime).
    Only processes started with `MUTUALIS_CLOCK_FILE` use it; a missing file means no shift."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._read_at: float | None = None
        self._shift = timedelta(0)

    def now(self) -> datetime:
        try:
            modified = self.path.stat().st_mtime
        except FileNotFoundError:
            return datetime.now(timezone.utc)
        if modified != self._read_at:  # read again only when the file changed
            self._shift = timedelta(seconds=float(self.path.read_text() or 0))
            self._read_at = modified
        return datetime.now(timezone.utc) + self._shift

    @staticmethod
    def advance(path: Path, by: timedelta) -> timedelta:
        """Moves every process reading `path` on by `by`; returns the total shift."""
        shift = float(path.read_text() or 0) if path.exists() else 0.0
        shift += by.total_seconds()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(shift))
        return timedelta(seconds=shift)


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
