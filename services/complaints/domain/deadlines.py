"""Deadlines of the complaint procedure (CMP-3, CMP-5, CMP-12).

Periods count calendar days from the day after the event that starts them; a deadline that
falls on a Saturday, Sunday or Belgian public holiday moves to the next working day (art. 53
Judicial Code). A deadline is the end of its day in Brussels: the work is on time if done
before midnight. Pure: no clock, no I/O."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.working_days import is_working_day, next_working_day

BRUSSELS = ZoneInfo("Europe/Brussels")
ACKNOWLEDGEMENT_PERIOD = timedelta(days=8)  # CMP-3
STATUS_UPDATE_PERIOD = timedelta(weeks=3)  # CMP-5
# The handler is reminded on the morning of the second working day before a due day: time
# to act, without reminders so early that they are ignored.
REMINDER_LEAD_WORKING_DAYS = 2
REMINDER_TIME = time(8, 0)


def due_day(start: datetime, period: timedelta) -> date:
    """The last day on which something started at `start` is on time."""
    return next_working_day(brussels_day(start) + period)


def deadline(start: datetime, period: timedelta) -> datetime:
    """The instant the period runs out: midnight at the end of its due day, in Brussels."""
    return end_of(due_day(start, period))


def end_of(day: date) -> datetime:
    """Midnight at the end of `day` in Brussels: what is done before it is done on `day`."""
    return datetime.combine(day + timedelta(days=1), time.min, BRUSSELS)


def reminder_at(due: date) -> datetime:
    """When the handler is reminded of something due on `due`."""
    day, counted = due, 0
    while counted < REMINDER_LEAD_WORKING_DAYS:
        day -= timedelta(days=1)
        counted += is_working_day(day)
    return datetime.combine(day, REMINDER_TIME, BRUSSELS)


def brussels_day(instant: datetime) -> date:
    return instant.astimezone(BRUSSELS).date()
