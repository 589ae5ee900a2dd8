"""Dates of the hospitalisation insurance (PAY-5): the 3-year prescription, the window of care
before and after a stay, and nights per calendar year. The waiting periods are every service's
(shared/insurance/cover.py): the caller passes the level they leave.

Rules and their source (seed 003, Neutra product sheet):
- VERJARING: "verjaart drie jaar na de datum van de realisatie van het risico": a claim filed on
  the third anniversary of the care date is in time, one filed the day after is prescribed.
- "Verstrekkingen voor en na de hospitalisatie (2 maanden ervoor en 3 maanden erna)": care from
  the day two calendar months before admission to the day three months after discharge, both
  included (a 31st becomes the last day of a shorter month).
- A night belongs to the calendar year of the evening it starts: a stay from 30 December to
  2 January has two nights in the old year and one in the new."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (or earlier); the 31st becomes the last day
    of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def prescription_deadline(care_on: date, years: int) -> date:
    """The last day a claim for care on `care_on` may be filed."""
    return add_months(care_on, 12 * years)


def is_prescribed(care_on: date, filed_on: date, years: int) -> bool:
    return filed_on > prescription_deadline(care_on, years)


def window(admitted: date, discharged: date, before: int, after: int) -> tuple[date, date]:
    """The first and last day of care before and after a stay."""
    return add_months(admitted, -before), add_months(discharged, after)


def nights_per_year(admitted: date, discharged: date) -> dict[int, int]:
    """The nights of a stay per calendar year (a night counts in the year of its evening)."""
    nights: dict[int, int] = {}
    day = admitted
    while day < discharged:
        nights[day.year] = nights.get(day.year, 0) + 1
        day += timedelta(days=1)
    return nights
