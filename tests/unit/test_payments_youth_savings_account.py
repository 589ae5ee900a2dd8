"""One young member's youth savings (jongerensparen, DOS-7): enrolled from the year of the 14th
birthday (and only before 2024), deposits received within the yearly maximum (a missed year
made up the next), and the capital — every deposit received — falling due at marriage,
cohabitation or the 30th birthday, once."""

from datetime import date
from decimal import Decimal

import pytest

from services.payments.domain.youth_savings import Deposit, shipped_youth_savings_rules
from services.payments.domain.youth_savings_account import (
    Ended,
    YouthSavingsAccount,
    expected_payout,
)
from shared.contracts.youth_savings import (
    YouthSavingsDepositReceived,
    YouthSavingsEnrolled,
    YouthSavingsPayoutDue,
)
from shared.refusal import Refused

D = Decimal
RULES = shipped_youth_savings_rules()
TODAY = date(2026, 12, 1)
LOTTE_BORN = date(2009, 5, 15)  # 14 in 2023, 30 on 15 May 2039
SINCE = date(2023, 6, 1)


def account(since: date = SINCE, yearly: str = "48.00") -> YouthSavingsAccount:
    saving = YouthSavingsAccount.rebuild("p-lotte")
    saving.enrol(RULES, LOTTE_BORN, since, D(yearly), TODAY)
    return saving


def refusal(decide) -> str:
    with pytest.raises(Refused) as refused:
        decide()
    return str(refused.value)


def test_dos7_a_young_member_is_enrolled_since_a_day_until_the_30th_birthday_at_the_latest():
    saving = account(yearly="30.00")

    assert saving.pending == [
        YouthSavingsEnrolled(
            person_id="p-lotte",
            since=SINCE,
            yearly_amount=D("30.00"),
            ends_on=date(2039, 5, 15),
        )
    ]


@pytest.mark.parametrize(
    ("since", "yearly", "reason"),
    [
        (date(2024, 1, 1), "48.00", "no new youth savings since 2024-01-01"),
        (date(2022, 12, 31), "48.00", "year of the 14th birthday up to that of the 27th"),
        (SINCE, "17.99", "18.00 to 48.00 EUR, not 17.99"),
        (SINCE, "48.01", "18.00 to 48.00 EUR, not 48.01"),
        (date(2027, 1, 4), "48.00", "a day gone by"),
    ],
)
def test_dos7_an_enrolment_outside_the_rules_is_refused_with_the_reason(since, yearly, reason):
    saving = YouthSavingsAccount.rebuild("p-lotte")

    assert reason in refusal(lambda: saving.enrol(RULES, LOTTE_BORN, since, D(yearly), TODAY))
    assert saving.is_new


def test_dos7_a_member_is_enrolled_once_and_not_after_their_30th_birthday():
    saving = account()
    assert "kept since 2023-06-01 already" in refusal(
        lambda: saving.enrol(RULES, LOTTE_BORN, SINCE, D("48"), TODAY)
    )

    thirty = YouthSavingsAccount.rebuild("p-jan")
    born = date(1996, 11, 30)  # 30 the day before today
    assert "ended on the 30th birthday, 2026-11-30" in refusal(
        lambda: thirty.enrol(RULES, born, date(2010, 3, 1), D("48"), TODAY)
    )


def test_dos7_deposits_received_add_up_to_what_was_saved():
    saving = account()

    saving.deposit(RULES, D("48.00"), date(2023, 6, 1), TODAY)
    saving.deposit(RULES, D("30.00"), date(2024, 2, 10), TODAY)
    saving.deposit(RULES, D("18.00"), date(2024, 9, 10), TODAY)

    assert saving.total_saved == D("96.00")
    assert [e.saved for e in saving.pending if isinstance(e, YouthSavingsDepositReceived)] == [
        D("48.00"),
        D("78.00"),
        D("96.00"),
    ]


def test_dos7_the_same_bank_transfer_recorded_twice_is_counted_once():
    saving = account()

    saving.deposit(RULES, D("48.00"), date(2024, 2, 10), TODAY, reference="BANK-2024-0001")
    saving.deposit(RULES, D("48.00"), date(2024, 2, 10), TODAY, reference="BANK-2024-0001")

    assert saving.total_saved == D("48.00")


@pytest.mark.parametrize(
    ("received_on", "reason"),
    [
        (date(2023, 5, 31), "from 2023-06-01 to today, not on 2023-05-31"),
        (date(2026, 12, 2), "not on 2026-12-02"),
    ],
)
def test_dos7_a_deposit_before_the_saving_or_to_come_is_refused(received_on, reason):
    saving = account()

    assert reason in refusal(lambda: saving.deposit(RULES, D("20"), received_on, TODAY))


def test_dos7_no_deposit_without_a_saving():
    saving = YouthSavingsAccount.rebuild("p-bram")

    assert "no youth savings" in refusal(
        lambda: saving.deposit(RULES, D("20"), date(2024, 1, 5), TODAY)
    )


def test_dos7_a_year_receives_at_most_the_yearly_maximum():
    saving = account()
    saving.deposit(RULES, D("48.00"), date(2023, 6, 1), TODAY)

    reason = refusal(lambda: saving.deposit(RULES, D("0.01"), date(2023, 12, 1), TODAY))

    assert "goes 0.01 EUR above the yearly maximum of 48.00" in reason


def test_dos7_a_missed_year_may_be_made_up_the_next_year_but_not_twice():
    saving = account()  # nothing received in 2023

    saving.deposit(RULES, D("96.00"), date(2024, 2, 10), TODAY)  # 2024 and the missed 2023

    assert saving.total_saved == D("96.00")
    # 2023 was made up: a late 2023 deposit would take 2024 above what it may receive.
    assert "above the yearly maximum" in refusal(
        lambda: saving.deposit(RULES, D("10.00"), date(2023, 12, 20), TODAY)
    )
    # 2025 follows a full year: the maximum alone.
    assert "above the yearly maximum" in refusal(
        lambda: saving.deposit(RULES, D("48.01"), date(2025, 2, 10), TODAY)
    )


def test_dos7_a_marriage_ends_the_saving_and_every_deposit_received_falls_due():
    saving = account()
    saving.deposit(RULES, D("48.00"), date(2023, 6, 1), TODAY)
    saving.deposit(RULES, D("48.00"), date(2024, 6, 1), TODAY)

    saving.end("marriage", date(2026, 9, 12), "b-lotte", TODAY)

    assert saving.pending[-1] == YouthSavingsPayoutDue(
        person_id="p-lotte",
        booklet_id="b-lotte",
        reason="marriage",
        ended_on=date(2026, 9, 12),
        amount=D("96.00"),
    )
    assert saving.ended == Ended("marriage", date(2026, 9, 12), D("96.00"))


def test_dos7_once_ended_a_saving_takes_no_deposit_and_ends_no_more():
    saving = account()
    saving.end("cohabitation", date(2026, 3, 1), "b-lotte", TODAY)

    assert "ended on 2026-03-01 (cohabitation)" in refusal(
        lambda: saving.deposit(RULES, D("20"), date(2026, 4, 1), TODAY)
    )
    assert "ended on 2026-03-01" in refusal(
        lambda: saving.end("marriage", date(2026, 6, 1), "b-lotte", TODAY)
    )
    saving.reach_payout_age("b-lotte", date(2039, 5, 15))
    assert [type(e) for e in saving.pending].count(YouthSavingsPayoutDue) == 1


@pytest.mark.parametrize(
    ("on", "reason"),
    [
        (date(2023, 5, 1), "kept since 2023-06-01 ends on a day from then to today"),
        (date(2026, 12, 2), "from then to today"),
    ],
)
def test_dos7_a_marriage_before_the_saving_or_to_come_is_refused(on, reason):
    saving = account()

    assert reason in refusal(lambda: saving.end("marriage", on, "b-lotte", TODAY))


def test_dos7_the_30th_birthday_pays_the_capital_out_once_and_not_a_day_before():
    saving = account(since=date(2023, 6, 1))
    saving.deposit(RULES, D("48.00"), date(2023, 6, 1), TODAY)

    saving.reach_payout_age("b-lotte", date(2039, 5, 14))
    assert saving.ended is None

    saving.reach_payout_age("b-lotte", date(2039, 5, 15))
    saving.reach_payout_age("b-lotte", date(2039, 5, 16))

    due = [e for e in saving.pending if isinstance(e, YouthSavingsPayoutDue)]
    assert [(d.reason, d.ended_on, d.amount) for d in due] == [
        ("age_30", date(2039, 5, 15), D("48.00"))
    ]


def test_dos7_no_deposit_and_no_marriage_from_the_30th_birthday_on():
    born = date(1996, 12, 20)  # 30 on 20 December 2026
    saving = YouthSavingsAccount.rebuild("p-els")
    saving.enrol(RULES, born, date(2010, 3, 1), D("48"), TODAY)
    later = date(2026, 12, 21)

    assert "no deposit from the 30th birthday on (2026-12-20)" in refusal(
        lambda: saving.deposit(RULES, D("20"), later, later)
    )
    assert "ends on the 30th birthday, 2026-12-20" in refusal(
        lambda: saving.end("marriage", later, "b-els", later)
    )


def test_dos7_the_account_rebuilt_from_its_events_is_the_one_that_recorded_them():
    saving = account()
    saving.deposit(RULES, D("48.00"), date(2023, 6, 1), TODAY, reference="R-1")
    saving.end("marriage", date(2026, 9, 12), "b-lotte", TODAY)

    rebuilt = YouthSavingsAccount.rebuild("p-lotte", history=saving.pending)

    assert (rebuilt.since, rebuilt.ends_on, rebuilt.total_saved) == (
        SINCE,
        date(2039, 5, 15),
        D("48.00"),
    )
    assert (rebuilt.ended, rebuilt.references, rebuilt.version) == (saving.ended, {"R-1"}, 3)


def test_dos7_the_payout_expected_counts_the_yearly_amount_for_each_year_to_come():
    received = [Deposit(2023, D("48.00"), date(2023, 6, 1))]

    # 2026 has no deposit yet: it is still expected, then one a year to 2038 (the one of June
    # 2039 would come after the 30th birthday in May).
    expected = expected_payout(RULES, SINCE, D("30.00"), date(2039, 5, 15), received, TODAY)

    assert expected == D("48.00") + 13 * D("30.00")
    # With 2026 received, only the years from 2027.
    received.append(Deposit(2026, D("30.00"), date(2026, 2, 1)))
    expected = expected_payout(RULES, SINCE, D("30.00"), date(2039, 5, 15), received, TODAY)
    assert expected == D("78.00") + 12 * D("30.00")
