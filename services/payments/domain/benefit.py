"""Incapacity benefits (uitkeringen arbeidsongeschiktheid), as staff decided them: a daily
amount for a period, paid per calendar month once the month (or the period's part of it) is
over (PAY-1).

Benefits are paid in the six-day system: every day but Sunday is a benefit day (RIZIV, Royal
Decree of 3 July 1996, art. 213-214 on the uniform weekly regime), so a month's amount is its
benefit days times the daily amount."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from shared.aggregate import Aggregate
from shared.contracts import Event
from shared.contracts.payments import BenefitPeriodDue, IncapacityBenefitDecided

SUNDAY = 6


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def benefit_days(self) -> int:
        days = (self.end - self.start).days + 1
        return sum(1 for n in range(days) if (self.start + timedelta(n)).weekday() != SUNDAY)


def monthly_periods(start: date, end: date) -> list[Period]:
    """[start, end] cut at month ends."""
    periods, day = [], start
    while day <= end:
        month_end = date(day.year, day.month, monthrange(day.year, day.month)[1])
        periods.append(Period(day, min(month_end, end)))
        day = month_end + timedelta(days=1)
    return periods


def period_item(benefit_id: str, start: date) -> str:
    """The payable item of a benefit's month (or part) starting on `start`."""
    return f"benefit:{benefit_id}:{start.isoformat()}"


def benefit_of_item(item_id: str) -> str:
    """The benefit a period's item (`period_item`) is of."""
    return item_id.removeprefix("benefit:").rpartition(":")[0]


@dataclass
class Benefit(Aggregate):
    benefit_id: str
    person_id: str | None = None
    daily_amount: Decimal = Decimal("0.00")
    paid_periods: set[date] = field(default_factory=set)

    @classmethod
    def stream(cls, benefit_id: str) -> str:
        return f"benefit-{benefit_id}"

    def decide(self, person_id: str, daily_amount: Decimal, start: date, end: date) -> None:
        if not self.is_new:
            raise ValueError(f"benefit {self.benefit_id} is decided already")
        self.record(
            IncapacityBenefitDecided(
                benefit_id=self.benefit_id,
                person_id=person_id,
                daily_amount=daily_amount,
                start=start,
                end=end,
            )
        )

    def fall_due(self, period: Period) -> None:
        """The period is over: its amount is due (once)."""
        if self.person_id is None or period.start in self.paid_periods:
            return
        self.record(
            BenefitPeriodDue(
                benefit_id=self.benefit_id,
                person_id=self.person_id,
                start=period.start,
                end=period.end,
                days=period.benefit_days,
                amount=self.daily_amount * period.benefit_days,
            )
        )

    def apply(self, event: Event) -> None:
        match event:
            case IncapacityBenefitDecided(person_id=person_id, daily_amount=daily):
                self.person_id, self.daily_amount = person_id, daily
            case BenefitPeriodDue(start=start):
                self.paid_periods.add(start)
