"""The maximum bill (maximumfactuur, MAF): a yearly ceiling on a household's legal co-payments
(remgeld); above it the fund refunds them in full (DOS-6, PAY-4). Pure decisions on figures
read from `services/payments/maf/ceilings.yaml`, one entry per year, each with its sources.

Rules encoded (sources in the YAML file and its README):
- income MAF: the household's net taxable income bracket sets its ceiling;
- social MAF: a household with increased reimbursement (VT) has the social ceiling, or its
  income ceiling when that is lower (the lowest bracket since 2022);
- chronic illness: the ceiling is lowered by the year's chronic reduction when a member has the
  chronic-illness status, or paid at least the year's thresholds in each of the two previous
  years; the reduction also applies to the social and the child ceilings;
- MAF for a child under 19: an individual ceiling whatever the household's income;
- a year without figures after the last known one is computed on that year, marked provisional.

Only legal co-payments count, never supplements, in the year the care was given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CEILINGS_FILE = Path(__file__).resolve().parent.parent / "maf" / "ceilings.yaml"


def money(value: Decimal | int | str) -> Decimal:
    """An amount in euros with 2 decimals; a float is refused (it cannot hold cents exactly)."""
    if isinstance(value, float | bool):
        raise TypeError(f"money is a Decimal, an int or a string, not {value!r}")
    amount = Decimal(value)
    if amount != amount.quantize(CENT):
        raise ValueError(f"{value!r} has more than 2 decimals")
    return amount.quantize(CENT)


class NoFiguresForYear(LookupError):
    """The year comes before the first year with MAF figures."""


class MafDataError(ValueError):
    """The ceilings file is missing something or says something that cannot be right."""


@dataclass(frozen=True)
class Bracket:
    """An income bracket (inkomensschijf): net taxable household income from..to (None: no
    upper bound) and the ceiling it sets."""

    number: int
    income_from: Decimal
    income_to: Decimal | None
    ceiling: Decimal
    provisional: bool = False


@dataclass(frozen=True)
class Ceiling:
    year: int
    amount: Decimal  # after any chronic reduction
    bracket: int | None  # None when the bracket is unknown
    social: bool  # the social MAF (VT household) decided it
    chronic_reduction: Decimal  # 0 when none
    provisional: bool  # the year has no official figures: last known year used
    source: str


class Thresholds(tuple[Decimal, ...]):
    """The bracket ceilings a counter has reached, lowest first; `provisional` as for a
    Ceiling. Compares equal to a plain tuple of the same amounts."""

    provisional: bool

    def __new__(cls, amounts: Sequence[Decimal], *, provisional: bool) -> Thresholds:
        crossed = super().__new__(cls, amounts)
        crossed.provisional = provisional
        return crossed


@dataclass(frozen=True)
class YearFigures:
    year: int
    brackets: tuple[Bracket, ...]
    social: Decimal
    child: Decimal
    chronic_reduction: Decimal
    # Co-payments one member must have paid in years Y-2 and Y-1; None where not known.
    chronic_thresholds: tuple[Decimal | None, Decimal | None]
    sources: tuple[str, ...]
    unconfirmed: tuple[str, ...] = ()


class MafRules:
    def __init__(self, years: Mapping[int, YearFigures]) -> None:
        if not years:
            raise MafDataError("no year has MAF figures")
        self._years = dict(years)

    def provisional(self, year: int) -> bool:
        """The year has no official figures: the last known year's are used."""
        return self.figures(year).year != year

    def brackets(self, year: int) -> tuple[Bracket, ...]:
        figures = self.figures(year)
        provisional = figures.year != year
        return tuple(replace(b, provisional=provisional) for b in figures.brackets)

    def bracket_for_income(self, year: int, income: Decimal) -> int:
        """The bracket of a net taxable household income (of year - 2)."""
        for bracket in self.brackets(year):
            if bracket.income_to is None or money(income) <= bracket.income_to:
                return bracket.number
        raise AssertionError("the last bracket has no upper bound")

    def ceiling(
        self, year: int, *, bracket: int | None, vt_household: bool, chronic: bool
    ) -> Ceiling | None:
        """The household's ceiling, or None when none can be set yet (bracket unknown and not
        a VT household): nothing is refunded until staff set it."""
        figures = self.figures(year)
        income = None if bracket is None else self._bracket(figures, bracket).ceiling
        if income is None and not vt_household:
            return None
        social = vt_household and (income is None or figures.social <= income)
        base = figures.social if social else income
        assert base is not None
        return self._reduced(year, figures, base, bracket=bracket, social=social, chronic=chronic)

    def child_ceiling(self, year: int, *, chronic: bool) -> Ceiling:
        """The individual ceiling of a child under 19, whatever the household's income; the
        household's own ceiling still applies when it is lower (MafRules.ceiling)."""
        figures = self.figures(year)
        return self._reduced(
            year, figures, figures.child, bracket=None, social=False, chronic=chronic
        )

    def thresholds_crossed(self, year: int, counted: Decimal) -> Thresholds:
        """The bracket ceilings the counter has reached (the portal's "thresholds crossed")."""
        brackets = self.brackets(year)
        reached = [b.ceiling for b in brackets if money(counted) >= b.ceiling]
        return Thresholds(reached, provisional=self.provisional(year))

    def chronic(
        self, year: int, *, status: bool, co_payments_previous_years: tuple[Decimal, Decimal]
    ) -> bool:
        """The chronic-illness reduction applies: a member has the chronic-illness status
        (statuut chronische aandoening) this year, or that member's co-payments of years Y-2
        and Y-1 each reached the year's threshold. Call once per member; a threshold that is
        not known (chronic_thresholds) cannot be reached."""
        if status:
            return True
        thresholds = self.figures(year).chronic_thresholds
        return all(
            threshold is not None and money(paid) >= threshold
            for paid, threshold in zip(co_payments_previous_years, thresholds, strict=True)
        )

    def chronic_thresholds(self, year: int) -> tuple[Decimal | None, Decimal | None]:
        return self.figures(year).chronic_thresholds

    def figures(self, year: int) -> YearFigures:
        """The figures used for `year`: its own, or those of the last year before it that has
        some (then provisional)."""
        known = [known for known in self._years if known <= year]
        if not known:
            first = min(self._years)
            raise NoFiguresForYear(f"no MAF figures for {year} (the first year is {first})")
        return self._years[max(known)]

    def _bracket(self, figures: YearFigures, number: int) -> Bracket:
        for bracket in figures.brackets:
            if bracket.number == number:
                return bracket
        raise ValueError(f"MAF {figures.year} has no bracket {number}")

    def _reduced(
        self,
        year: int,
        figures: YearFigures,
        base: Decimal,
        *,
        bracket: int | None,
        social: bool,
        chronic: bool,
    ) -> Ceiling:
        reduction = figures.chronic_reduction if chronic else ZERO
        provisional = figures.year != year
        source = "; ".join(figures.sources)
        if provisional:
            source = f"provisional: no figures for {year}, those of {figures.year} used; {source}"
        return Ceiling(
            year=year,
            amount=max(ZERO, base - reduction),
            bracket=bracket,
            social=social,
            chronic_reduction=reduction,
            provisional=provisional,
            source=source,
        )


def refund_due(counted: Decimal, ceiling: Decimal | None, refunded: Decimal) -> Decimal:
    """What is still to be refunded: every counted co-payment above the ceiling, less what was
    refunded already; 0 while no ceiling is set, and never negative (see overpaid)."""
    return max(ZERO, _entitled(counted, ceiling) - money(refunded))


def overpaid(counted: Decimal, ceiling: Decimal | None, refunded: Decimal) -> Decimal:
    """What was refunded beyond the entitlement (a ceiling raised after refunds); 0 while no
    ceiling is set, since the entitlement is not decided yet."""
    if ceiling is None:
        return ZERO
    return max(ZERO, money(refunded) - _entitled(counted, ceiling))


def _entitled(counted: Decimal, ceiling: Decimal | None) -> Decimal:
    return ZERO if ceiling is None else max(ZERO, money(counted) - money(ceiling))


def load_maf_rules(path: Path = CEILINGS_FILE) -> MafRules:
    """The MAF figures in `path` (by default the shipped ceilings.yaml)."""
    loaded = yaml.safe_load(path.read_text("utf-8"))
    years = loaded.get("years") if isinstance(loaded, Mapping) else None
    if not isinstance(years, Mapping):
        raise MafDataError(f"{path}: expected `years:` with the figures of each year")
    try:
        return MafRules({int(year): _year(int(year), entry) for year, entry in years.items()})
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise MafDataError(f"{path}: {error!r}") from None


@cache
def shipped_maf_rules() -> MafRules:
    return load_maf_rules()


def _year(year: int, entry: Mapping[str, Any]) -> YearFigures:
    brackets = tuple(
        Bracket(
            number=int(b["number"]),
            income_from=_amount(b["income_from"]),
            income_to=None if b["income_to"] is None else _amount(b["income_to"]),
            ceiling=_amount(b["ceiling"]),
        )
        for b in entry["brackets"]
    )
    if [b.number for b in brackets] != list(range(1, len(brackets) + 1)):
        raise ValueError(f"{year}: brackets are not numbered 1..{len(brackets)}")
    if any(b.income_to is None for b in brackets[:-1]) or brackets[-1].income_to is not None:
        raise ValueError(f"{year}: only the last bracket has no upper bound")
    low, high = entry["chronic_thresholds"]
    return YearFigures(
        year=year,
        brackets=brackets,
        social=_amount(entry["social"]),
        child=_amount(entry["child"]),
        chronic_reduction=_amount(entry["chronic_reduction"]),
        chronic_thresholds=(_optional(low), _optional(high)),
        sources=tuple(str(source) for source in entry["sources"]),
        unconfirmed=tuple(str(note) for note in entry.get("unconfirmed", ())),
    )


def _amount(text: Any) -> Decimal:
    if not isinstance(text, str):
        raise TypeError(f"amounts are strings in the file, found {text!r}")
    return money(text)


def _optional(text: Any) -> Decimal | None:
    return None if text is None else _amount(text)
