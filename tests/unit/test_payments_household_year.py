"""A household's maximum bill for a year (DOS-6, PAY-4): co-payments refunded in full once
its counter passes the ceiling, and a ceiling changed later moving what is due. The counter is
kept per batch beside the books (tests/integration/test_payments_maf.py); here it is kept by
the test and handed in, as the service does."""

from decimal import Decimal

from services.payments.domain.household_year import CoPayment, HouseholdYear
from services.payments.domain.maf import shipped_maf_rules
from shared.contracts.payments import (
    MafCeilingSet,
    MafOverpaid,
    MafRefundDue,
)

D = Decimal
RULES = shipped_maf_rules()
HOLDER, CHILD = "p-holder", "p-child"


class Household:
    """A household's year and its counter, counted as a batch counts it."""

    def __init__(self, bracket: int | None, *, vt: bool = False) -> None:
        self.year = HouseholdYear.rebuild("b-1", 2024)
        self.counted = D("0.00")
        self.set_ceiling(bracket, vt=vt)

    def count(self, *co_payments: CoPayment) -> None:
        self.counted += sum(c.amount for c in co_payments)
        self.year.count(self.counted, list(co_payments))

    def set_ceiling(self, bracket: int | None, *, vt: bool = False, chronic: bool = False):
        ceiling = RULES.ceiling(2024, bracket=bracket, vt_household=vt, chronic=chronic)
        self.year.set_ceiling(ceiling, HOLDER, self.counted)


def refunds(year: HouseholdYear) -> list[tuple[str, str | None, Decimal]]:
    return [
        (e.person_id, e.certificate_id, e.amount)
        for e in year.pending
        if isinstance(e, MafRefundDue)
    ]


def test_pay4_a_household_crossing_its_ceiling_mid_year_has_the_next_co_payment_refunded_in_full():
    household = Household(1)  # ceiling 254.99
    household.count(CoPayment("c-1", HOLDER, D("240.00")))
    assert refunds(household.year) == []

    # The co-payment that crosses the ceiling: the part above it is refunded.
    household.count(CoPayment("c-2", CHILD, D("30.00")))
    assert refunds(household.year) == [(CHILD, "c-2", D("15.01"))]

    # Every co-payment after that is refunded in full, to the person it was for.
    household.count(CoPayment("c-3", HOLDER, D("12.50")), CoPayment("c-4", CHILD, D("4.00")))
    assert refunds(household.year)[1:] == [(HOLDER, "c-3", D("12.50")), (CHILD, "c-4", D("4.00"))]
    assert (household.counted, household.year.refunded) == (D("286.50"), D("31.51"))


def test_pay4_a_batch_crossing_the_ceiling_refunds_from_the_co_payment_that_crossed_it():
    household = Household(1)  # ceiling 254.99
    household.count(
        CoPayment("c-1", HOLDER, D("200.00")),
        CoPayment("c-2", CHILD, D("100.00")),
        CoPayment("c-3", CHILD, D("0.50")),
    )
    assert refunds(household.year) == [(CHILD, "c-2", D("45.01")), (CHILD, "c-3", D("0.50"))]


def test_dos6_no_refund_while_no_ceiling_can_be_set():
    household = Household(None)  # bracket unknown, no VT: no ceiling
    household.count(CoPayment("c-1", HOLDER, D("3000.00")))

    assert household.year.ceiling is None and refunds(household.year) == []


def test_pay4_a_lower_ceiling_set_later_refunds_what_it_frees_to_the_holder():
    # Refunded above the social ceiling; then the income bracket comes in: the lowest.
    household = Household(None, vt=True)
    household.count(CoPayment("c-1", CHILD, D("600.00")))
    assert refunds(household.year) == [(CHILD, "c-1", D("83.08"))]

    household.set_ceiling(1, vt=True)

    year = household.year
    assert refunds(year)[-1] == (HOLDER, None, D("261.93"))  # 600 - 254.99 - 83.08
    assert year.refunded == D("345.01")
    ceilings = [e for e in year.pending if isinstance(e, MafCeilingSet)]
    assert [(c.bracket, c.social, c.ceiling) for c in ceilings] == [
        (None, True, D("516.92")),
        (1, False, D("254.99")),
    ]


def test_pay4_a_higher_ceiling_set_later_records_the_overpaid_and_takes_nothing_back():
    household = Household(1)
    household.count(CoPayment("c-1", HOLDER, D("600.00")))  # 345.01 refunded

    household.set_ceiling(3)

    year = household.year
    assert [e.amount for e in year.pending if isinstance(e, MafOverpaid)] == [D("345.01")]
    assert refunds(year) == [(HOLDER, "c-1", D("345.01"))]
    # Set again, nothing more is recorded.
    household.set_ceiling(3)
    assert len([e for e in year.pending if isinstance(e, MafOverpaid)]) == 1


def test_dos6_chronic_illness_lowers_the_ceiling():
    household = Household(2)  # 516.92
    household.year.recognize_chronic_illness(CHILD)
    household.set_ceiling(2, chronic=True)

    assert household.year.ceiling.amount == D("402.05")  # 516.92 - 114.87
    assert household.year.chronically_ill == {CHILD}


def test_dos6_the_household_year_is_rebuilt_from_its_events():
    household = Household(1)
    household.count(CoPayment("c-1", HOLDER, D("300.00")))
    year = household.year
    again = HouseholdYear.rebuild("b-1", 2024, history=year.pending)

    assert (again.refunded, again.ceiling) == (year.refunded, year.ceiling)
