"""A household's maximum bill for a year (DOS-6, PAY-4): co-payments counted, refunded in
full once the ceiling is passed, and a ceiling changed later moving what is due."""

from decimal import Decimal

from services.payments.domain.household_year import CoPayment, HouseholdYear
from services.payments.domain.maf import shipped_maf_rules
from shared.contracts.payments import (
    CoPaymentsCounted,
    MafCeilingSet,
    MafOverpaid,
    MafRefundDue,
)

D = Decimal
RULES = shipped_maf_rules()
HOLDER, CHILD = "p-holder", "p-child"


def household(bracket: int | None, *, vt: bool = False) -> HouseholdYear:
    year = HouseholdYear.rebuild("b-1", 2024)
    year.set_ceiling(RULES.ceiling(2024, bracket=bracket, vt_household=vt, chronic=False), HOLDER)
    return year


def refunds(year: HouseholdYear) -> list[tuple[str, str | None, Decimal]]:
    return [
        (e.person_id, e.certificate_id, e.amount)
        for e in year.pending
        if isinstance(e, MafRefundDue)
    ]


def test_pay4_a_household_crossing_its_ceiling_mid_year_has_the_next_co_payment_refunded_in_full():
    year = household(1)  # ceiling 254.99
    year.count([CoPayment("c-1", HOLDER, D("240.00"))])
    assert refunds(year) == []

    # The co-payment that crosses the ceiling: the part above it is refunded.
    year.count([CoPayment("c-2", CHILD, D("30.00"))])
    assert refunds(year) == [(CHILD, "c-2", D("15.01"))]

    # Every co-payment after that is refunded in full, to the person it was for.
    year.count([CoPayment("c-3", HOLDER, D("12.50")), CoPayment("c-4", CHILD, D("4.00"))])
    assert refunds(year)[1:] == [(HOLDER, "c-3", D("12.50")), (CHILD, "c-4", D("4.00"))]
    assert (year.counted, year.refunded) == (D("286.50"), D("31.51"))


def test_pay4_a_certificate_counted_before_is_not_counted_again():
    year = household(1)
    year.count([CoPayment("c-1", HOLDER, D("300.00"))])
    year.count([CoPayment("c-1", HOLDER, D("300.00"))])

    assert [e.amount for e in year.pending if isinstance(e, CoPaymentsCounted)] == [D("300.00")]
    assert year.refunded == D("45.01")


def test_dos6_no_refund_while_no_ceiling_can_be_set():
    year = household(None)  # bracket unknown, no VT: no ceiling
    year.count([CoPayment("c-1", HOLDER, D("3000.00"))])

    assert year.ceiling is None and refunds(year) == []


def test_pay4_a_lower_ceiling_set_later_refunds_what_it_frees_to_the_holder():
    # Refunded above the social ceiling; then the income bracket comes in: the lowest.
    year = household(None, vt=True)
    year.count([CoPayment("c-1", CHILD, D("600.00"))])
    assert refunds(year) == [(CHILD, "c-1", D("83.08"))]

    year.set_ceiling(RULES.ceiling(2024, bracket=1, vt_household=True, chronic=False), HOLDER)

    assert refunds(year)[-1] == (HOLDER, None, D("261.93"))  # 600 - 254.99 - 83.08
    assert year.refunded == D("345.01")
    ceilings = [e for e in year.pending if isinstance(e, MafCeilingSet)]
    assert [(c.bracket, c.social, c.ceiling) for c in ceilings] == [
        (None, True, D("516.92")),
        (1, False, D("254.99")),
    ]


def test_pay4_a_higher_ceiling_set_later_records_the_overpaid_and_takes_nothing_back():
    year = household(1)
    year.count([CoPayment("c-1", HOLDER, D("600.00"))])  # 345.01 refunded

    year.set_ceiling(RULES.ceiling(2024, bracket=3, vt_household=False, chronic=False), HOLDER)

    assert [e.amount for e in year.pending if isinstance(e, MafOverpaid)] == [D("345.01")]
    assert refunds(year) == [(HOLDER, "c-1", D("345.01"))]
    # Set again, nothing more is recorded.
    year.set_ceiling(RULES.ceiling(2024, bracket=3, vt_household=False, chronic=False), HOLDER)
    assert len([e for e in year.pending if isinstance(e, MafOverpaid)]) == 1


def test_dos6_chronic_illness_lowers_the_ceiling():
    year = household(2)  # 516.92
    year.recognize_chronic_illness(CHILD)
    year.set_ceiling(RULES.ceiling(2024, bracket=2, vt_household=False, chronic=True), HOLDER)

    assert year.ceiling.amount == D("402.05")  # 516.92 - 114.87
    assert year.chronically_ill == {CHILD}


def test_dos6_the_household_year_is_rebuilt_from_its_events():
    year = household(1)
    year.count([CoPayment("c-1", HOLDER, D("300.00"))])
    again = HouseholdYear.rebuild("b-1", 2024, history=year.pending)

    assert (again.counted, again.refunded, again.ceiling) == (
        year.counted,
        year.refunded,
        year.ceiling,
    )
    assert again.counted_ids == {"c-1"}
