"""The Neutra hospitalisation insurances a person chose: who may join, when cover starts and
ends, waiting periods, continuity and switching product (DOS-8)."""

from datetime import date
from pathlib import Path

import pytest

from shared.insurance.cover import (
    RULES_FILE,
    InsuranceRulesError,
    Kind,
    PriorCover,
    Product,
    Refusal,
    Subscription,
    cover_ends_on,
    cover_on,
    cover_starts_on,
    enrol,
    leave,
    load_insurance_rules,
    shipped_insurance_rules,
    switch_product,
    waiting_period,
)

BASE, OPTIMUM, PLUS, CONFORT, TOP = (
    Product.BASE,
    Product.OPTIMUM,
    Product.PLUS,
    Product.CONFORT,
    Product.TOP,
)
BORN = date(1990, 5, 20)  # 35 when joining in 2026
RECEIVED = date(2026, 1, 14)  # cover from 1 February 2026


def subscribe(product=TOP, received_on=RECEIVED, continuity_from=None) -> Subscription:
    joined = enrol(
        "p-1", product, received_on, contribution_paid=True, continuity_from=continuity_from
    )
    assert isinstance(joined, Subscription)
    return joined


# --- who may join and when cover starts -----------------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "starts_on"),
    [
        pytest.param(date(2026, 1, 31), date(2026, 2, 1), id="last_day_of_a_month"),
        pytest.param(date(2026, 2, 1), date(2026, 3, 1), id="first_day_of_a_month"),
        pytest.param(date(2026, 12, 31), date(2027, 1, 1), id="last_day_of_the_year"),
        pytest.param(date(2028, 2, 29), date(2028, 3, 1), id="leap_day"),
    ],
)
def test_dos8_cover_starts_on_the_first_of_the_month_after_receipt(received_on, starts_on):
    assert cover_starts_on(received_on) == starts_on
    assert subscribe(received_on=received_on).starts_on == starts_on


def test_dos8_refused_when_the_supplementary_contribution_is_not_paid():
    answer = enrol("p-1", PLUS, RECEIVED, contribution_paid=False)

    assert isinstance(answer, Refusal)
    assert "bijdrage aanvullende verzekering" in answer.reason
    assert (answer.product, answer.received_on) == (PLUS, RECEIVED)


def test_dos8_a_subscription_starts_on_the_first_and_ends_on_a_month_end():
    with pytest.raises(ValueError, match="first day"):
        Subscription("p-1", TOP, RECEIVED, date(2026, 2, 2))
    with pytest.raises(ValueError, match="last day"):
        Subscription("p-1", TOP, RECEIVED, date(2026, 2, 1), ends_on=date(2026, 5, 30))


# --- accidents --------------------------------------------------------------------------------


def test_dos8_accident_on_the_first_day_of_cover_is_covered():
    decision = cover_on(subscribe(), date(2026, 2, 1), Kind.ACCIDENT, BORN)

    assert (decision.covered, decision.product) == (True, TOP)
    assert "accident" in decision.reason


def test_dos8_accident_the_day_before_cover_starts_is_not_covered():
    decision = cover_on(subscribe(), date(2026, 1, 31), Kind.ACCIDENT, BORN)

    assert (decision.covered, decision.product) == (False, None)
    assert "starts on 2026-02-01" in decision.reason


def test_dos8_care_after_the_start_for_an_accident_before_it_waits_like_illness():
    decision = cover_on(subscribe(), date(2026, 3, 2), "accident", BORN, event_on=date(2026, 1, 31))

    assert not decision.covered
    assert "before the start" in decision.reason


# --- the 6-month waiting period (most cases) --------------------------------------------------


def test_dos8_illness_the_day_before_the_waiting_period_ends_is_not_covered():
    decision = cover_on(subscribe(), date(2026, 7, 31), Kind.ILLNESS, BORN)

    assert not decision.covered
    assert "2026-08-01" in decision.reason


def test_dos8_illness_on_the_day_the_waiting_period_ends_is_covered():
    subscription = subscribe()

    period = waiting_period(subscription, BORN, Kind.ILLNESS)
    decision = cover_on(subscription, date(2026, 8, 1), Kind.ILLNESS, BORN)

    assert (period.months, period.counted_from, period.ends_on) == (
        6,
        date(2026, 2, 1),
        date(2026, 8, 1),
    )
    assert (decision.covered, decision.product) == (True, TOP)


# --- pregnancy: 9 months, the benefit of Neutra + / Base in months 7 to 9 -------------------

# Cover from 1 February 2026: month 1 is February, month 6 July, 7 August, 9 October, 10 November.
PREGNANCY_TOP = [
    pytest.param(date(2026, 7, 31), False, None, id="month_6_last_day"),
    pytest.param(date(2026, 8, 1), True, PLUS, id="month_7_first_day_plus"),
    pytest.param(date(2026, 8, 20), True, PLUS, id="month_7_plus"),
    pytest.param(date(2026, 10, 31), True, PLUS, id="month_9_last_day_plus"),
    pytest.param(date(2026, 11, 1), True, TOP, id="month_10_first_day_top"),
]


@pytest.mark.parametrize(("care_date", "covered", "level"), PREGNANCY_TOP)
def test_dos8_pregnancy_on_top_by_month_of_enrolment(care_date, covered, level):
    decision = cover_on(subscribe(TOP), care_date, Kind.PREGNANCY, BORN)

    assert (decision.covered, decision.product) == (covered, level)


def test_dos8_pregnancy_in_month_6_is_not_covered():
    decision = cover_on(subscribe(CONFORT), date(2026, 7, 10), Kind.PREGNANCY, BORN)

    assert not decision.covered
    assert decision.waiting_period is not None
    assert decision.waiting_period.ends_on == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("product", "months_7_to_9", "month_10"),
    [
        pytest.param(BASE, BASE, BASE, id="base"),
        pytest.param(OPTIMUM, BASE, OPTIMUM, id="optimum"),
        pytest.param(PLUS, PLUS, PLUS, id="plus"),
        pytest.param(CONFORT, PLUS, CONFORT, id="confort"),
        pytest.param(TOP, PLUS, TOP, id="top"),
    ],
)
def test_dos8_pregnancy_interim_benefit_per_product(product, months_7_to_9, month_10):
    subscription = subscribe(product)

    in_month_9 = cover_on(subscription, date(2026, 10, 15), Kind.PREGNANCY, BORN)
    in_month_10 = cover_on(subscription, date(2026, 11, 15), Kind.PREGNANCY, BORN)

    assert in_month_9.product == months_7_to_9
    assert in_month_10.product == month_10


# --- 12 months when joining from 65 -----------------------------------------------------------

TURNS_65 = date(1961, 6, 10)  # 65 on 10 June 2026


def test_dos8_joining_at_64_waits_6_months():
    subscription = subscribe(received_on=date(2026, 6, 9))  # the day before the 65th birthday

    period = waiting_period(subscription, TURNS_65, Kind.ILLNESS)

    assert (period.months, period.ends_on) == (6, date(2027, 1, 1))


def test_dos8_joining_at_65_waits_12_months():
    subscription = subscribe(received_on=date(2026, 6, 10))  # the 65th birthday

    period = waiting_period(subscription, TURNS_65, Kind.ILLNESS)

    assert (period.months, period.ends_on) == (12, date(2027, 7, 1))
    assert not cover_on(subscription, date(2027, 6, 30), Kind.ILLNESS, TURNS_65).covered
    assert cover_on(subscription, date(2027, 7, 1), Kind.ILLNESS, TURNS_65).covered


def test_dos8_the_age_is_taken_on_the_request_not_on_the_start_date():
    """Received at 64 on 9 June, starting on 1 July when 65: still 6 months."""
    subscription = subscribe(received_on=date(2026, 6, 9))

    assert subscription.starts_on == date(2026, 7, 1)
    assert waiting_period(subscription, TURNS_65, "illness").months == 6


def test_dos8_accidents_wait_for_nobody_even_from_65():
    subscription = subscribe(received_on=date(2026, 6, 10))

    assert cover_on(subscription, date(2026, 7, 1), Kind.ACCIDENT, TURNS_65).covered


# --- continuity with an earlier similar cover ------------------------------------------------


def test_dos8_no_waiting_period_after_a_similar_cover_in_continuity():
    earlier = PriorCover(CONFORT, starts_on=date(2023, 3, 1), ends_on=date(2026, 1, 31))
    subscription = subscribe(PLUS, continuity_from=earlier)

    illness = cover_on(subscription, date(2026, 2, 1), Kind.ILLNESS, BORN)
    pregnancy = cover_on(subscription, date(2026, 2, 1), Kind.PREGNANCY, BORN)

    assert (illness.covered, illness.product) == (True, PLUS)
    assert (pregnancy.covered, pregnancy.product) == (True, PLUS)
    assert "continuity" in waiting_period(subscription, BORN, "illness").reason


def test_dos8_continuity_counts_the_time_already_served():
    earlier = PriorCover(TOP, starts_on=date(2025, 11, 1), ends_on=date(2026, 1, 31))
    subscription = subscribe(CONFORT, continuity_from=earlier)

    period = waiting_period(subscription, BORN, Kind.ILLNESS)

    assert period.ends_on == date(2026, 5, 1)
    assert not cover_on(subscription, date(2026, 4, 30), Kind.ILLNESS, BORN).covered
    assert cover_on(subscription, date(2026, 5, 1), Kind.ILLNESS, BORN).covered


def test_dos8_a_gap_between_both_covers_breaks_continuity():
    earlier = PriorCover(TOP, starts_on=date(2020, 1, 1), ends_on=date(2025, 12, 31))
    subscription = subscribe(TOP, continuity_from=earlier)  # starts 1 February 2026

    period = waiting_period(subscription, BORN, Kind.ILLNESS)

    assert period.ends_on == date(2026, 8, 1)
    assert "no continuity" in period.reason


def test_dos8_a_lower_earlier_cover_keeps_covering_during_the_new_waiting_period():
    earlier = PriorCover(BASE, starts_on=date(2022, 1, 1), ends_on=date(2026, 1, 31))
    subscription = subscribe(TOP, continuity_from=earlier)

    meanwhile = cover_on(subscription, date(2026, 7, 31), Kind.ILLNESS, BORN)
    after = cover_on(subscription, date(2026, 8, 1), Kind.ILLNESS, BORN)

    assert (meanwhile.covered, meanwhile.product) == (True, BASE)
    assert "earlier cover" in meanwhile.reason
    assert (after.covered, after.product) == (True, TOP)


# --- switching product and leaving -----------------------------------------------------------


def test_dos8_switch_to_a_higher_product_waits_only_for_the_extra_cover():
    current = subscribe(PLUS, received_on=date(2023, 12, 5))  # since 1 January 2024

    ended, started = switch_product(current, TOP, date(2026, 3, 10))

    assert ended.ends_on == date(2026, 3, 31)
    assert started.starts_on == date(2026, 4, 1)
    assert cover_on(started, date(2026, 4, 1), Kind.ILLNESS, BORN).product == PLUS
    assert cover_on(started, date(2026, 9, 30), Kind.ILLNESS, BORN).product == PLUS
    assert cover_on(started, date(2026, 10, 1), Kind.ILLNESS, BORN).product == TOP
    assert cover_on(ended, date(2026, 4, 1), Kind.ILLNESS, BORN).covered is False


def test_dos8_switch_to_a_lower_or_equal_product_is_in_continuity():
    current = subscribe(TOP, received_on=date(2023, 12, 5))

    _, lower = switch_product(current, CONFORT, date(2026, 3, 10))
    _, again = switch_product(lower, TOP, date(2026, 6, 2))

    assert cover_on(lower, date(2026, 4, 1), Kind.PREGNANCY, BORN).product == CONFORT
    # Back up to Top: Confort's continuity goes back to Top's start in 2024; Top is higher than
    # Confort, so the extra cover waits 6 months while Confort covers.
    assert cover_on(again, date(2026, 7, 1), Kind.ILLNESS, BORN).product == CONFORT
    assert cover_on(again, date(2027, 1, 1), Kind.ILLNESS, BORN).product == TOP


def test_dos8_leaving_ends_the_cover_at_the_end_of_the_month_of_the_request():
    subscription = leave(subscribe(), date(2026, 9, 12))

    assert subscription.ends_on == cover_ends_on(date(2026, 9, 12)) == date(2026, 9, 30)
    assert cover_on(subscription, date(2026, 9, 30), Kind.ACCIDENT, BORN).covered
    decision = cover_on(subscription, date(2026, 10, 1), Kind.ACCIDENT, BORN)
    assert not decision.covered and "ended on 2026-09-30" in decision.reason


def test_dos8_leaving_before_the_cover_started_is_refused():
    with pytest.raises(ValueError, match="not started"):
        leave(subscribe(received_on=date(2026, 1, 14)), date(2026, 1, 20))


# --- the rules file ---------------------------------------------------------------------------


def test_dos8_shipped_rules_say_what_the_sheet_says():
    rules = shipped_insurance_rules()

    assert rules.products == (BASE, OPTIMUM, PLUS, CONFORT, TOP)
    assert (rules.illness_months, rules.pregnancy_months, rules.late_enrolment_months) == (
        6,
        9,
        12,
    )
    assert (rules.accident_months, rules.late_enrolment_age) == (0, 65)
    assert rules.sources and rules.unconfirmed


def test_dos8_a_wrong_rules_file_fails_with_a_clear_error(tmp_path: Path):
    broken = tmp_path / "rules.yaml"
    broken.write_text(
        RULES_FILE.read_text("utf-8").replace("illness_months: 6", "illness_months: six"),
        "utf-8",
    )

    with pytest.raises(InsuranceRulesError, match="whole number"):
        load_insurance_rules(broken)
