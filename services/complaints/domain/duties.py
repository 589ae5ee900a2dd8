"""What the handler owes the complainant, and by when (CMP-3, CMP-5): the acknowledgement,
then a status message every three weeks of analysis. Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from services.complaints.domain.deadlines import (
    STATUS_UPDATE_PERIOD,
    end_of,
    next_working_day,
    reminder_at,
)
from shared.contracts.complaints import DutyKind

STATUS_UPDATE_DAYS = STATUS_UPDATE_PERIOD.days


@dataclass(frozen=True)
class Duty:
    """Something due by the end of `due_on`. `period` tells apart the successive status
    periods, so each has timers of its own."""

    kind: DutyKind
    period: int
    due_on: date

    @property
    def key(self) -> str:
        # The due day is part of the key: if a rule change moved it, the old timers find a
        # different duty and do nothing.
        return f"{self.kind}:{self.period}:{self.due_on.isoformat()}"

    @property
    def deadline(self) -> datetime:
        return end_of(self.due_on)

    @property
    def remind_at(self) -> datetime:
        return reminder_at(self.due_on)


@dataclass(frozen=True)
class StatusClock:
    """When the next status message is due (CMP-5): the end of a period of 3 weeks, moved
    past weekends and public holidays. While the file waits on the complainant the clock is
    paused and keeps the days that were left. Each due day it gets starts a new `period`.

    Decisions compute the next due day (`…_due` methods); the events record it and replaying
    them only reads it back (`next`), so a history means the same under later holiday rules."""

    period: int
    due_on: date
    days_left: int | None = None  # set while paused

    @staticmethod
    def start_due(day: date) -> date:
        return _due(day, STATUS_UPDATE_DAYS)

    @property
    def duty(self) -> Duty | None:
        if self.days_left is not None:
            return None
        return Duty("status_update", self.period, self.due_on)

    def restarted_due(self, day: date) -> date:
        """A status message went out on `day`: a full period from then."""
        return _due(day, STATUS_UPDATE_DAYS)

    def missed_due(self) -> date:
        # Counted from the missed due day, not from when the breach was noticed, so periods
        # nobody answered keep their rhythm (3, 6, 9 weeks) however late the timers fire.
        return _due(self.due_on, STATUS_UPDATE_DAYS)

    def days_left_on(self, day: date) -> int:
        return max((self.due_on - day).days, 0)

    def resumed_due(self, day: date) -> date:
        """The information arrived on `day`: the days that were left, counted from then."""
        assert self.days_left is not None, "only a paused clock resumes"
        return _due(day, self.days_left)

    def paused(self, days_left: int) -> StatusClock:
        return replace(self, days_left=days_left)

    def next(self, due_on: date) -> StatusClock:
        return StatusClock(self.period + 1, due_on)


def _due(day: date, days: int) -> date:
    return next_working_day(day + timedelta(days=days))
