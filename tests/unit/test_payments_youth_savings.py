"""Youth savings (jongerensparen): since when and how much saved, and the payout (DOS-7)."""

from datetime import date
from decimal import Decimal

import pytest

from services.payments.domain.youth_savings import (
    Deposit,
    deposits,
    payout_due,
    saved,
    shipped_youth_savings_rules,
    total,
)

D = Decimal
RULES = shipped_youth_savings_rules()
BORN = date(2004, 5, 17)
SINCE = date(2018, 2, 5)  # the year of the 14th birthday


def test_dos7_shipped_rules_say_what_the_sources_say():
    assert (RULES.yearly_minimum, RULES.yearly_maximum) == (D("18.00"), D("48.00"))
    assert (RULES.enrolment_from_age, RULES.payout_age) == (14, 30)
    assert RULES.closed_to_new_savers_from == date(2024, 1, 1)
    assert RULES.sources and RULES.unconfirmed


def test_dos7_one_deposit_a_year_on_the_anniversary_of_the_first():
    made = deposits(SINCE, date(2020, 12, 31))

    assert made == [
        Deposit(2018, D("48.00"), date(2018, 2, 5)),
        Deposit(2019, D("48.00"), date(2019, 2, 5)),
        Deposit(2020, D("48.00"), date(2020, 2, 5)),
    ]


def test_dos7_how_much_was_saved_by_a_date():
    assert saved(SINCE, date(2018, 2, 4)) == D("0.00")
    assert saved(SINCE, date(2024, 2, 5)) == D("336.00")  # 7 deposits
    assert RULES.saved(SINCE, date(2024, 2, 5), yearly=D("18")) == D("126.00")


def test_dos7_the_deposits_actually_received_add_up_the_same_way():
    received = [Deposit(2018, D("20.00"), date(2018, 3, 1)), Deposit(2019, D("48.00"), SINCE)]

    assert total(received, date(2019, 12, 31)) == D("68.00")


def test_dos7_the_capital_is_paid_out_at_30_and_not_before():
    assert payout_due(BORN, SINCE, date(2034, 5, 16)) is None

    # Deposits from 2018 to 2034 (the one of 2034, in February, before the 30th birthday).
    assert payout_due(BORN, SINCE, date(2034, 5, 17)) == D("816.00")


def test_dos7_a_marriage_ends_the_saving_and_pays_out():
    married = date(2026, 1, 10)

    due = RULES.payout_due(BORN, SINCE, date(2026, 3, 1), married_on=married)

    assert due == D("384.00")  # 2018-2025: 8 deposits
    assert RULES.payout_due(BORN, SINCE, date(2026, 1, 9), married_on=married) is None


def test_dos7_no_deposit_after_the_payout_age():
    made = RULES.deposits(SINCE, date(2040, 12, 31), birth_date=BORN)

    assert made[-1].on == date(2034, 2, 5)
    assert len(made) == 17


def test_dos7_no_new_saving_since_2024_nor_outside_the_enrolment_ages():
    assert RULES.may_enrol(BORN, date(2018, 1, 2))
    assert not RULES.may_enrol(BORN, date(2017, 12, 31))  # the year of the 13th birthday
    assert not RULES.may_enrol(date(2012, 1, 1), date(2026, 3, 1))  # closed since 2024
    assert not RULES.may_enrol(date(1990, 1, 1), date(2018, 1, 2))  # 28 that year
    with pytest.raises(ValueError, match="14th birthday"):
        RULES.deposits(date(2017, 6, 1), date(2020, 1, 1), birth_date=BORN)


def test_dos7_a_yearly_amount_outside_18_to_48_euros_is_refused():
    with pytest.raises(ValueError, match="18.00 to 48.00"):
        RULES.deposits(SINCE, date(2020, 1, 1), yearly=D("50"))


def test_dos7_a_saving_started_on_29_february_deposits_on_the_28th_in_other_years():
    made = RULES.deposits(date(2016, 2, 29), date(2017, 12, 31))

    assert [d.on for d in made] == [date(2016, 2, 29), date(2017, 2, 28)]
