"""Belgian working days: not a Saturday, a Sunday or a Belgian public holiday (the `holidays`
package's calendar). The complaints' deadlines move to the next one (art. 53 Judicial Code);
a change of the e-invoicing terms is announced 15 of them ahead (INV-6)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("BE", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_between(first: date, last: date) -> int:
    """How many working days there are from the day after `first` up to and including
    `last` (0 when `last` is not after `first`)."""
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
