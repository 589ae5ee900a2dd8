"""Premiums of the Neutra optional hospitalisation insurances (INV-7): golden figures of seed
003, the age bands on 31 December, the free child premium, household contributions, provisional
years and the membership contribution."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.einvoicing.domain.premiums import (
    TABLES_DIR,
    Fund,
    InsuredPerson,
    NoPremiumTable,
    PremiumDataError,
    Product,
    household_contribution,
    household_premiums,
    load_premium_table,
    membership_contribution,
    monthly_premium,
    premium_tables,
    shipped_premium_tables,
)

D = Decimal
YEAR = 2026
BASE, OPTIMUM, PLUS, CONFORT, TOP = (
    Product.BASE,
    Product.OPTIMUM,
    Product.PLUS,
    Product.CONFORT,
    Product.TOP,
)

# One birth date per band for premium year 2026 (age on 31 December 2026 in brackets), and the
# sheet's figure per product. Band 1 of + and Confort is the free child premium: golden here with
# a parent on Top (free) and alone (2,42 / 6,12), below.
BANDS = [
    ("band1_0_to_6th_levensjaar", date(2021, 7, 1), "0.00", "0.00", "20.02"),  # 5
    ("band2_7th_to_25th_levensjaar", date(2010, 7, 1), "3.65", "9.20", "20.02"),  # 16
    ("band3_26th_to_50th_levensjaar", date(1986, 7, 1), "9.84", "25.90", "42.08"),  # 40
    ("band4_51st_to_60th_levensjaar", date(1971, 7, 1), "9.84", "31.20", "46.60"),  # 55
    ("band5_61st_to_65th_levensjaar", date(1964, 7, 1), "9.84", "31.20", "63.36"),  # 62
    ("band6_66th_to_70th_levensjaar", date(1958, 7, 1), "16.45", "53.54", "90.22"),  # 68
    ("band7_from_71st_levensjaar", date(1950, 7, 1), "23.03", "76.98", "119.01"),  # 76
]
CELLS = [
    pytest.param(product, born, D(figure), number, id=f"{product.value}-{name}")
    for number, (name, born, *figures) in enumerate(BANDS, start=1)
    for product, figure in zip((PLUS, CONFORT, TOP), figures, strict=True)
]


@pytest.mark.parametrize(("product", "born", "figure", "band"), CELLS)
def test_inv7_golden_monthly_premium_per_person(product, born, figure, band):
    line = monthly_premium(product, born, YEAR, family_covers=[TOP])

    assert (line.amount, line.band) == (figure, band)
    assert not line.provisional and line.table_year == YEAR


@pytest.mark.parametrize(
    ("product", "with_dependants", "figure"),
    [
        pytest.param(BASE, False, "6.14", id="base-geen_personen_ten_laste"),
        pytest.param(BASE, True, "8.64", id="base-met_personen_ten_laste"),
        pytest.param(OPTIMUM, False, "12.35", id="optimum-geen_personen_ten_laste"),
        pytest.param(OPTIMUM, True, "16.09", id="optimum-met_personen_ten_laste"),
    ],
)
def test_inv7_golden_household_contribution(product, with_dependants, figure):
    assert household_contribution(product, YEAR, with_dependants) == D(figure)


def test_inv7_band_labels_are_the_sheets_words():
    line = monthly_premium(CONFORT, date(1986, 7, 1), YEAR)

    assert line.band_label == (
        "Van 1 januari van het 26ste levensjaar tot 31 december van het 50ste levensjaar"
    )
    assert line.age_on_31_december == 40


# --- band edges: the age reached on 31 December of the premium year -----------------------


@pytest.mark.parametrize(
    ("born", "band", "age"),
    [
        pytest.param(date(2020, 1, 1), 2, 6, id="born_2020_01_01_is_in_7th_levensjaar"),
        pytest.param(date(2020, 12, 31), 2, 6, id="born_2020_12_31_turns_6_on_31_december"),
        pytest.param(date(2021, 1, 1), 1, 5, id="born_2021_01_01_still_band_1"),
        pytest.param(date(2021, 12, 31), 1, 5, id="born_2021_12_31_band_1"),
        pytest.param(date(2026, 12, 31), 1, 0, id="born_on_31_december_of_the_year"),
        pytest.param(date(2002, 1, 1), 2, 24, id="born_2002_01_01_25th_levensjaar"),
        pytest.param(date(2001, 12, 31), 3, 25, id="born_2001_12_31_26th_levensjaar"),
        pytest.param(date(1977, 1, 1), 3, 49, id="born_1977_01_01_50th_levensjaar"),
        pytest.param(date(1976, 12, 31), 4, 50, id="born_1976_12_31_51st_levensjaar"),
        pytest.param(date(1967, 1, 1), 4, 59, id="born_1967_01_01_60th_levensjaar"),
        pytest.param(date(1966, 12, 31), 5, 60, id="born_1966_12_31_61st_levensjaar"),
        pytest.param(date(1962, 1, 1), 5, 64, id="born_1962_01_01_65th_levensjaar"),
        pytest.param(date(1961, 12, 31), 6, 65, id="born_1961_12_31_66th_levensjaar"),
        pytest.param(date(1957, 1, 1), 6, 69, id="born_1957_01_01_70th_levensjaar"),
        pytest.param(date(1956, 12, 31), 7, 70, id="born_1956_12_31_71st_levensjaar"),
    ],
)
def test_inv7_band_is_set_by_the_age_on_31_december(born, band, age):
    line = monthly_premium(TOP, born, YEAR)

    assert (line.band, line.age_on_31_december) == (band, age)


def test_inv7_child_born_in_2020_pays_the_second_band_in_2026():
    """6 on 31 December 2026, in the 7th levensjaar: no longer the (free) first band."""
    line = monthly_premium(PLUS, date(2020, 9, 14), YEAR, family_covers=[TOP])

    assert (line.band, line.amount, line.free_child) == (2, D("3.65"), False)


def test_inv7_the_band_changes_on_1_january_not_on_the_birthday():
    born = date(2002, 8, 20)  # 24 on 31 December 2026, 25 on 31 December 2027

    assert monthly_premium(CONFORT, born, 2026).amount == D("9.20")
    assert monthly_premium(CONFORT, born, 2027).amount == D("25.90")


def test_inv7_a_birth_after_the_premium_year_is_refused():
    with pytest.raises(ValueError, match="after premium year"):
        monthly_premium(PLUS, date(2027, 1, 1), YEAR)


# --- the free child premium (footnote *) ----------------------------------------------------

CHILD = date(2023, 4, 2)


@pytest.mark.parametrize(
    ("product", "family", "free"),
    [
        pytest.param(PLUS, [PLUS], True, id="plus_child_parent_plus"),
        pytest.param(PLUS, [CONFORT], True, id="plus_child_parent_confort"),
        pytest.param(PLUS, [TOP], True, id="plus_child_parent_top"),
        pytest.param(PLUS, [OPTIMUM], False, id="plus_child_parent_optimum_is_lower"),
        pytest.param(PLUS, [BASE], False, id="plus_child_parent_base_is_lower"),
        pytest.param(CONFORT, [CONFORT], True, id="confort_child_parent_confort"),
        pytest.param(CONFORT, [TOP], True, id="confort_child_parent_top"),
        pytest.param(CONFORT, [PLUS], False, id="confort_child_parent_plus_is_lower"),
        pytest.param(CONFORT, [], False, id="confort_child_nobody_insured"),
        pytest.param(PLUS, [], False, id="plus_child_nobody_insured"),
    ],
)
def test_inv7_free_child_premium_needs_comparable_or_higher_cover(product, family, free):
    line = monthly_premium(product, CHILD, YEAR, family_covers=family)

    assert line.free_child is free
    assert line.amount == (D("0.00") if free else {PLUS: D("2.42"), CONFORT: D("6.12")}[product])
    assert "(*)" in line.reason


def test_inv7_top_has_no_free_child_premium():
    line = monthly_premium(TOP, CHILD, YEAR, family_covers=[TOP])

    assert (line.amount, line.free_child) == (D("20.02"), False)


def test_inv7_the_free_child_rule_is_only_for_the_first_band():
    line = monthly_premium(PLUS, date(2015, 1, 1), YEAR, family_covers=["top"])

    assert (line.amount, line.free_child) == (D("3.65"), False)


def test_inv7_base_and_optimum_have_no_premium_per_person():
    with pytest.raises(ValueError, match="per household"):
        monthly_premium(BASE, CHILD, YEAR)
    with pytest.raises(ValueError, match="per person"):
        household_contribution(TOP, YEAR, with_dependants=False)


# --- a household's premium lines --------------------------------------------------------------


def test_inv7_household_lines_apply_the_child_rule_with_the_other_members():
    household = [
        InsuredPerson("parent", CONFORT, date(1988, 3, 3)),
        InsuredPerson("child", PLUS, date(2022, 5, 5), dependant=True),
        InsuredPerson("baby", CONFORT, date(2026, 2, 1), dependant=True),
        InsuredPerson("teen", TOP, date(2012, 9, 9), dependant=True),
    ]

    premiums = household_premiums(household, YEAR)

    by_person = {line.person: line for line in premiums.persons}
    assert by_person["parent"].amount == D("25.90")
    assert (by_person["child"].amount, by_person["child"].free_child) == (D("0.00"), True)
    assert (by_person["baby"].amount, by_person["baby"].free_child) == (D("0.00"), True)
    assert by_person["teen"].amount == D("20.02")
    assert premiums.households == ()
    assert premiums.total == D("45.92")


def test_inv7_young_siblings_do_not_make_each_other_free():
    household = [
        InsuredPerson("holder", OPTIMUM, date(1990, 1, 1)),
        InsuredPerson("first", PLUS, date(2022, 1, 1), dependant=True),
        InsuredPerson("second", PLUS, date(2024, 1, 1), dependant=True),
    ]

    premiums = household_premiums(household, YEAR)

    assert [line.amount for line in premiums.persons] == [D("2.42"), D("2.42")]
    # Nobody insured on Optimum is a dependant: the Optimum household pays without dependants.
    assert [(h.product, h.with_dependants, h.amount) for h in premiums.households] == [
        (OPTIMUM, False, D("12.35"))
    ]
    assert premiums.total == D("17.19")


def test_inv7_household_contribution_with_dependants_insured_on_it():
    household = [
        InsuredPerson("holder", OPTIMUM, date(1990, 1, 1)),
        InsuredPerson("partner", OPTIMUM, date(1991, 1, 1), dependant=True),
    ]

    premiums = household_premiums(household, YEAR)

    assert premiums.persons == ()
    assert [(h.product, h.with_dependants, h.amount) for h in premiums.households] == [
        (OPTIMUM, True, D("16.09"))
    ]


def test_inv7_household_contribution_without_dependants():
    premiums = household_premiums([InsuredPerson("holder", BASE, date(1970, 1, 1))], YEAR)

    assert [(h.product, h.amount) for h in premiums.households] == [(BASE, D("6.14"))]
    assert "geen personen ten laste" in premiums.households[0].reason


# --- provisional years and the data file ----------------------------------------------------


def test_inv7_a_later_year_is_computed_on_the_last_table_and_marked_provisional():
    line = monthly_premium(PLUS, date(1986, 7, 1), 2027)

    assert (line.amount, line.provisional, line.table_year) == (D("9.84"), True, 2026)
    assert household_premiums([InsuredPerson("h", BASE, date(1970, 1, 1))], 2028).provisional
    assert shipped_premium_tables().provisional(2027)
    assert not shipped_premium_tables().provisional(2026)


def test_inv7_a_year_before_the_first_table_is_refused():
    with pytest.raises(NoPremiumTable):
        premium_tables(2025)


def test_inv7_shipped_table_says_what_the_sheet_says():
    table = premium_tables(YEAR)

    assert table.products == (BASE, OPTIMUM, PLUS, CONFORT, TOP)
    assert len(table.bands) == 7 and table.bands[-1].levensjaar_to is None
    assert table.sources and table.unconfirmed
    assert any("2026" in note for note in table.unconfirmed)


def test_inv7_a_wrong_file_fails_with_a_clear_error(tmp_path: Path):
    text = (TABLES_DIR / "neutra-2026.yaml").read_text("utf-8")
    broken = tmp_path / "neutra-2026.yaml"
    broken.write_text(text.replace('"3.65"', "3.65"), "utf-8")

    with pytest.raises(PremiumDataError, match="strings"):
        load_premium_table(broken)

    misnamed = tmp_path / "neutra-2027.yaml"
    misnamed.write_text(text, "utf-8")
    with pytest.raises(PremiumDataError, match="year 2026"):
        load_premium_table(misnamed)

    gap = tmp_path / "neutra-2026.yaml"
    gap.write_text(text.replace("levensjaar_from: 26", "levensjaar_from: 27"), "utf-8")
    with pytest.raises(PremiumDataError, match="band 3"):
        load_premium_table(gap)


# --- the membership contribution (bijdrage aanvullende verzekering) -------------------------


def test_inv7_membership_contribution_found_for_2025_is_provisional_for_2026():
    found = membership_contribution(Fund.LA_MUTUALITE_NEUTRE, YEAR)

    assert (found.amount, found.known, found.provisional, found.figure_year) == (
        D("11.50"),
        True,
        True,
        2025,
    )
    assert "lecho.be" in found.note


def test_inv7_membership_contribution_not_found_is_unknown_never_invented():
    found = membership_contribution("mutualia", YEAR)

    assert (found.amount, found.known) == (None, False)
    assert "unknown" in found.note
