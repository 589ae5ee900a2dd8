"""Youth savings (jongerensparen / épargne jeunes): since when a young member saves and how
much was saved (DOS-7). Pure decisions on the rules in `services/payments/youth_savings.yaml`.

The saver (a parent, grandparent, ...) pays 18 to 48 EUR a year from the calendar year of the
child's 14th birthday; the saving ends, and the capital is paid out, when the young person
marries, sets up house, or turns 30. The fund's bonus interest on payout is not built (its
table was not found): payouts here are the capital saved. No new savers since 2024."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
RULES_FILE = Path(__file__).resolve().parent.parent / "youth_savings.yaml"


@dataclass(frozen=True)
class Deposit:
    year: int
    amount: Decimal
    on: date


@dataclass(frozen=True)
class YouthSavingsRules:
    yearly_minimum: Decimal
    yearly_maximum: Decimal
    enrolment_from_age: int
    enrolment_until_age: int
    payout_age: int
    closed_to_new_savers_from: date
    planned_yearly: Decimal  # an assumption when the caller does not say what the saver pays
    sources: tuple[str, ...]
    unconfirmed: tuple[str, ...] = ()

    def may_enrol(self, birth_date: date, on: date) -> bool:
        """A saving may start on `on`: before the closing date, from the year of the 14th
        birthday up to and including the year of the 27th."""
        age_this_year = on.year - birth_date.year
        return (
            on < self.closed_to_new_savers_from
            and self.enrolment_from_age <= age_this_year <= self.enrolment_until_age
        )

    def deposits(
        self,
        since: date,
        until: date,
        *,
        yearly: Decimal | None = None,
        birth_date: date | None = None,
    ) -> list[Deposit]:
        """The yearly deposits of a saving started on `since`, up to `until`: one a year on the
        anniversary of the first, of `yearly` (by default planned_yearly); with a birth date,
        none from the payout age on."""
        amount = self._yearly(yearly)
        stop = None
        if birth_date is not None:
            if since.year - birth_date.year < self.enrolment_from_age:
                raise ValueError("a saving starts in the year of the 14th birthday at the earliest")
            stop = _anniversary(birth_date, birth_date.year + self.payout_age)
        days = (_anniversary(since, year) for year in range(since.year, until.year + 1))
        return [
            Deposit(year=on.year, amount=amount, on=on)
            for on in days
            if since <= on <= until and (stop is None or on < stop)
        ]

    def saved(
        self,
        since: date,
        on: date,
        *,
        yearly: Decimal | None = None,
        birth_date: date | None = None,
    ) -> Decimal:
        """How much was saved by `on` (the portal's "how much saved")."""
        return total(self.deposits(since, on, yearly=yearly, birth_date=birth_date), on)

    def payout_date(
        self,
        birth_date: date,
        *,
        married_on: date | None = None,
        cohabiting_on: date | None = None,
    ) -> date:
        """The saving ends on the first of: marriage, setting up house, the 30th birthday."""
        ends = [_anniversary(birth_date, birth_date.year + self.payout_age)]
        ends += [day for day in (married_on, cohabiting_on) if day is not None]
        return min(ends)

    def payout_due(
        self,
        birth_date: date,
        since: date,
        on: date,
        *,
        married_on: date | None = None,
        cohabiting_on: date | None = None,
        yearly: Decimal | None = None,
    ) -> Decimal | None:
        """The capital to pay out when the saving has ended by `on`, else None. The bonus
        interest is not included (not built: the table was not found)."""
        ends = self.payout_date(birth_date, married_on=married_on, cohabiting_on=cohabiting_on)
        if on < ends:
            return None
        made = self.deposits(since, ends, yearly=yearly, birth_date=birth_date)
        return total((d for d in made if d.on < ends), ends)

    def _yearly(self, yearly: Decimal | None) -> Decimal:
        amount = self.planned_yearly if yearly is None else _money(yearly)
        if not self.yearly_minimum <= amount <= self.yearly_maximum:
            raise ValueError(
                f"a yearly saving is {self.yearly_minimum} to {self.yearly_maximum}, not {amount}"
            )
        return amount


def total(deposits: Iterable[Deposit], on: date) -> Decimal:
    """The sum of the deposits made by `on` (also for the deposits actually received)."""
    return sum((d.amount for d in deposits if d.on <= on), ZERO)


def deposits(since: date, until: date) -> list[Deposit]:
    return shipped_youth_savings_rules().deposits(since, until)


def saved(since: date, on: date) -> Decimal:
    return shipped_youth_savings_rules().saved(since, on)


def payout_due(birth_date: date, since: date, on: date) -> Decimal | None:
    return shipped_youth_savings_rules().payout_due(birth_date, since, on)


def load_youth_savings_rules(path: Path = RULES_FILE) -> YouthSavingsRules:
    loaded: Mapping[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    try:
        return YouthSavingsRules(
            yearly_minimum=_amount(loaded["yearly_minimum"]),
            yearly_maximum=_amount(loaded["yearly_maximum"]),
            enrolment_from_age=int(loaded["enrolment_from_age"]),
            enrolment_until_age=int(loaded["enrolment_until_age"]),
            payout_age=int(loaded["payout_age"]),
            closed_to_new_savers_from=date.fromisoformat(loaded["closed_to_new_savers_from"]),
            planned_yearly=_amount(loaded["planned_yearly"]),
            sources=tuple(str(source) for source in loaded["sources"]),
            unconfirmed=tuple(str(note) for note in loaded.get("unconfirmed", ())),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise ValueError(f"{path}: {error!r}") from None


@cache
def shipped_youth_savings_rules() -> YouthSavingsRules:
    return load_youth_savings_rules()


def _anniversary(day: date, year: int) -> date:
    """The same day in `year`; 29 February becomes the 28th in other years."""
    if day.month == 2 and day.day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return day.replace(year=year)


def _money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float | bool):
        raise TypeError(f"money is a Decimal, an int or a string, not {value!r}")
    amount = Decimal(value)
    if amount != amount.quantize(CENT):
        raise ValueError(f"{value!r} has more than 2 decimals")
    return amount.quantize(CENT)


def _amount(text: Any) -> Decimal:
    if not isinstance(text, str):
        raise TypeError(f"amounts are strings in the file, found {text!r}")
    return _money(text)
