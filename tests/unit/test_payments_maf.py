"""The maximum bill (maximumfactuur, MAF): ceilings as data, the social MAF, the chronic-illness
reduction, the counter and its refunds (DOS-6, PAY-4)."""

from decimal import Decimal
from pathlib import Path

import pytest

from services.payments.domain.maf import (
    CEILINGS_FILE,
    Bracket,
    MafDataError,
    NoFiguresForYear,
    load_maf_rules,
    money,
    overpaid,
    refund_due,
    shipped_maf_rules,
)

D = Decimal
RULES = shipped_maf_rules()


def test_dos6_shipped_2024_ceilings_are_those_of_the_issue_with_their_income_bounds():
    brackets = RULES.brackets(2024)

    assert [b.ceiling for b in brackets] == [
        D("254.99"),
        D("516.92"),
        D("746.66"),
        D("1148.70"),
        D("1608.18"),
        D("2067.66"),
    ]
    assert brackets[0] == Bracket(1, D("0.00"), D("12681.18"), D("254.99"))
    assert brackets[-1].income_from == D("58749.34") and brackets[-1].income_to is None
    assert RULES.figures(2024).chronic_reduction == D("114.87")
    assert all(RULES.figures(year).sources for year in (2023, 2024))


def test_dos6_the_bracket_of_an_income_follows_the_bounds():
    assert RULES.bracket_for_income(2024, D("12681.18")) == 1
    assert RULES.bracket_for_income(2024, D("12681.19")) == 2
    assert RULES.bracket_for_income(2024, D("1000000")) == 6


def test_dos6_social_maf_a_vt_household_has_the_social_ceiling_before_its_bracket_is_known():
    ceiling = RULES.ceiling(2024, bracket=None, vt_household=True, chronic=False)

    assert (ceiling.amount, ceiling.social, ceiling.bracket) == (D("516.92"), True, None)


def test_dos6_social_maf_a_vt_household_keeps_the_lower_of_social_and_income_ceilings():
    lowest = RULES.ceiling(2024, bracket=1, vt_household=True, chronic=False)
    higher = RULES.ceiling(2024, bracket=4, vt_household=True, chronic=False)

    assert (lowest.amount, lowest.social) == (D("254.99"), False)
    assert (higher.amount, higher.social) == (D("516.92"), True)


def test_dos6_chronic_illness_status_lowers_the_ceiling_by_the_chronic_reduction():
    chronic = RULES.chronic(2024, status=True, co_payments_previous_years=(D("0"), D("0")))
    ceiling = RULES.ceiling(2024, bracket=4, vt_household=False, chronic=chronic)
    social = RULES.ceiling(2024, bracket=None, vt_household=True, chronic=chronic)

    assert (ceiling.amount, ceiling.chronic_reduction) == (D("1033.83"), D("114.87"))
    assert social.amount == D("402.05")


def test_dos6_chronic_by_co_payments_needs_the_threshold_in_each_of_the_two_previous_years():
    def chronic(first: str, second: str) -> bool:
        paid = (D(first), D(second))
        return RULES.chronic(2024, status=False, co_payments_previous_years=paid)

    assert RULES.chronic_thresholds(2024) == (D("506.79"), D("506.79"))
    assert chronic("506.79", "600.00")
    assert not chronic("506.78", "900.00")
    assert not chronic("900.00", "100.00")


def test_dos6_an_unknown_chronic_threshold_leaves_only_the_status_route():
    assert RULES.chronic_thresholds(2023) == (None, D("506.79"))
    paid = (D("5000"), D("5000"))

    assert not RULES.chronic(2023, status=False, co_payments_previous_years=paid)
    assert RULES.chronic(2023, status=True, co_payments_previous_years=paid)


def test_dos6_a_child_under_19_has_its_own_ceiling_whatever_the_income():
    assert RULES.child_ceiling(2024, chronic=False).amount == D("746.66")
    assert RULES.child_ceiling(2024, chronic=True).amount == D("631.79")


def test_pay4_refund_and_overpaid_as_pure_functions():
    assert refund_due(D("600"), D("254.99"), D("100")) == D("245.01")
    assert refund_due(D("600"), D("746.66"), D("345.01")) == D("0.00")
    assert overpaid(D("600"), D("746.66"), D("345.01")) == D("345.01")
    assert refund_due(D("600"), None, D("0")) == overpaid(D("600"), None, D("0")) == D("0.00")


def test_dos6_thresholds_crossed_are_the_bracket_ceilings_the_counter_reached():
    assert RULES.thresholds_crossed(2024, D("254.98")) == ()
    assert RULES.thresholds_crossed(2024, D("800.00")) == (D("254.99"), D("516.92"), D("746.66"))
    assert len(RULES.thresholds_crossed(2024, D("5000"))) == 6


def test_dos6_a_year_without_official_figures_is_computed_on_the_last_known_year_as_provisional():
    for year in (2025, 2026):
        ceiling = RULES.ceiling(year, bracket=2, vt_household=False, chronic=False)
        assert (ceiling.year, ceiling.amount, ceiling.provisional) == (year, D("516.92"), True)
        assert "provisional" in ceiling.source
        assert all(b.provisional for b in RULES.brackets(year))
        assert RULES.thresholds_crossed(year, D("300")).provisional

    official = RULES.ceiling(2024, bracket=2, vt_household=False, chronic=False)
    assert not official.provisional
    assert not RULES.thresholds_crossed(2024, D("300")).provisional


def test_dos6_a_year_before_the_first_figures_has_no_ceiling():
    with pytest.raises(NoFiguresForYear):
        RULES.ceiling(2020, bracket=1, vt_household=False, chronic=False)


def test_money_is_decimal_with_cents_never_float():
    assert money("12.5") == D("12.50")
    with pytest.raises(TypeError):
        money(12.5)
    with pytest.raises(ValueError):
        money("1.005")


def test_dos6_a_ceilings_file_with_a_float_amount_is_refused(tmp_path: Path):
    text = CEILINGS_FILE.read_text("utf-8")
    broken = tmp_path / "ceilings.yaml"
    broken.write_text(text.replace('social: "516.92"', "social: 516.92"), "utf-8")

    with pytest.raises(MafDataError, match="strings"):
        load_maf_rules(broken)
