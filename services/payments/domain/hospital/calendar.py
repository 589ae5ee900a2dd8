"""Dates of the hospitalisation insurance (PAY-5): the 3-year prescription, the window of care
before and after a stay, nights per calendar year, and the waiting periods.

Rules and their source (seed 003, Neutra product sheet):
- VERJARING: "verjaart drie jaar na de datum van de realisatie van het risico": a claim filed on
  the third anniversary of the care date is in time, one filed the day after is prescribed.
- "Verstrekkingen voor en na de hospitalisatie (2 maanden ervoor en 3 maanden erna)": care from
  the day two calendar months before admission to the day three months after discharge, both
  included (a 31st becomes the last day of a shorter month).
- A night belongs to the calendar year of the evening it starts: a stay from 30 December to
  2 January has two nights in the old year and one in the new.
- Waiting periods ("IS ER EEN WACHTTIJD?"): 6 months; 12 months when joining from 65; 9 months
  for pregnancy and birth, but from the 7th to the 9th month Neutra+, Confort and Top pay as
  Neutra+ and Base and Optimum as Neutra Base; none for an accident after the start, nor after
  a similar earlier insurance whose waiting periods were over (the caller says so)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from services.payments.domain.hospital.products import Product

GENERAL_WAITING_MONTHS = 6
FROM_65_WAITING_MONTHS = 12
PREGNANCY_WAITING_MONTHS = 9
PREGNANCY_REDUCED_FROM_MONTH = 6  # from the start of the 7th month


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


def pregnancy_waiting_level(product: Product) -> Product:
    """The level paid from the 7th to the 9th month of the pregnancy waiting period."""
    return Product.BASE if product in (Product.BASE, Product.OPTIMUM) else Product.PLUS


def level_in_effect(
    product: Product,
    insured_from: date,
    care_on: date,
    *,
    pregnancy: bool = False,
    joined_from_65: bool = False,
    no_waiting: bool = False,
) -> Product | None:
    """The product level that pays care on `care_on` for someone insured from `insured_from`,
    or None while the waiting period runs. `no_waiting`: an accident after the start, or a
    similar earlier insurance with its waiting periods over (the caller decides)."""
    if no_waiting:
        return product
    months = FROM_65_WAITING_MONTHS if joined_from_65 else GENERAL_WAITING_MONTHS
    if pregnancy:
        months = max(months, PREGNANCY_WAITING_MONTHS)
    if care_on >= add_months(insured_from, months):
        return product
    if pregnancy and care_on >= add_months(insured_from, PREGNANCY_REDUCED_FROM_MONTH):
        return pregnancy_waiting_level(product) if not joined_from_65 else None
    return None
