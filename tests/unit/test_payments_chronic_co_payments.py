"""DOS-6: the chronic-illness reduction of the maximum bill also goes to a household one of whose
members paid at least the year's thresholds in legal co-payments in each of the two years before
(2024: 506,79 € in 2022 and in 2023), counted per person as certificates are reimbursed."""

from datetime import date
from decimal import Decimal

from services.payments.domain.household_year import HouseholdYear
from services.payments.household_years import Households
from services.payments.members import Member

D = Decimal


def member(person_id: str, role: str = "holder") -> Member:
    return Member(
        person_id=person_id,
        national_register_number=None,
        booklet_id="b-1",
        role=role,
        birth_date=date(1960, 1, 1),
        language="nl",
        regional_fund=None,
        name=None,
        iban=None,
        bic=None,
    )


def households(co_payments: dict[tuple[str, int], Decimal]) -> Households:
    return Households({"b-1": [member("p-1"), member("p-2", "dependant")]}, {}, co_payments)


def test_dos6_a_member_at_the_thresholds_in_both_years_before_gives_the_reduction():
    known = households({("p-2", 2022): D("506.79"), ("p-2", 2023): D("600.00")})

    assert known.chronic(HouseholdYear.rebuild("b-1", 2024))


def test_dos6_one_year_below_the_threshold_gives_none():
    known = households({("p-2", 2022): D("506.78"), ("p-2", 2023): D("900.00")})

    assert not known.chronic(HouseholdYear.rebuild("b-1", 2024))


def test_dos6_two_members_each_at_the_threshold_in_one_year_give_none():
    # Per person, not per household: each member's own two years.
    known = households({("p-1", 2022): D("600.00"), ("p-2", 2023): D("600.00")})

    assert not known.chronic(HouseholdYear.rebuild("b-1", 2024))


def test_dos6_a_year_whose_earlier_threshold_is_not_known_is_reached_by_the_status_only():
    # 2023's threshold for the co-payments of 2021 was not found (ceilings.yaml).
    known = households({("p-1", 2021): D("900.00"), ("p-1", 2022): D("900.00")})
    recognised = HouseholdYear.rebuild("b-1", 2023)
    recognised.chronically_ill.add("p-1")

    assert not known.chronic(HouseholdYear.rebuild("b-1", 2023))
    assert known.chronic(recognised)
