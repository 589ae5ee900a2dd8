"""Incapacity benefits (PAY-1): a daily amount for a period, paid per calendar month in the
six-day system (Sundays are no benefit days)."""

from datetime import date
from decimal import Decimal

from services.payments.domain.benefit import Benefit, Period, monthly_periods
from shared.contracts.payments import BenefitPeriodDue


def test_pay1_a_benefit_period_is_cut_at_month_ends():
    periods = monthly_periods(date(2026, 1, 20), date(2026, 3, 5))

    assert [(p.start, p.end) for p in periods] == [
        (date(2026, 1, 20), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 5)),
    ]


def test_pay1_sundays_are_no_benefit_days():
    assert Period(date(2026, 2, 1), date(2026, 2, 28)).benefit_days == 24  # four Sundays
    assert Period(date(2026, 3, 1), date(2026, 3, 1)).benefit_days == 0  # a Sunday


def test_pay1_each_month_falls_due_once_for_its_benefit_days():
    benefit = Benefit.rebuild("ben-1")
    benefit.decide("p-1", Decimal("61.25"), date(2026, 1, 20), date(2026, 3, 5))
    february = Period(date(2026, 2, 1), date(2026, 2, 28))

    benefit.fall_due(february)
    benefit.fall_due(february)

    [due] = [e for e in benefit.pending if isinstance(e, BenefitPeriodDue)]
    assert (due.days, due.amount) == (24, Decimal("1470.00"))
