"""DOS-1: the country and postal code of an address, the codes gerechtigde CG1/CG2, and the
address and entitlement values that hold them; each refusal says what to fix.

The valid Belgian range is written out from bpost's rule (4 digits, 1000 to 9999), not taken
from the code under test."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.contracts.dossier import Address, Entitlement
from shared.identifiers import (
    InvalidIdentifier,
    normalize_country,
    normalize_entitlement_code,
    normalize_postal_code,
)

PROPERTY = settings(max_examples=200, deadline=None)


# --- country ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "code"), [("BE", "BE"), (" nl ", "NL"), ("xk", "XK")])
def test_dos1_a_country_is_its_iso_3166_alpha_2_code_in_capitals(typed, code):
    assert normalize_country(typed) == code


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("UK", "country code 'UK': not an ISO 3166-1 code: write GB"),
        ("EL", "country code 'EL': not an ISO 3166-1 code: write GR"),
        ("BEL", "country code 'BEL': write the two-letter code BE"),
        ("B", "a country code is two letters (ISO 3166-1 alpha-2), like BE"),
        ("B1", "a country code is two letters"),
        ("ÉS", "a country code is two letters"),
        ("ZZ", "country code 'ZZ': no such country in ISO 3166-1"),
    ],
)
def test_dos1_a_country_that_is_no_iso_code_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvalidIdentifier, match=reason.replace("(", r"\(").replace(")", r"\)")):
        normalize_country(typed)


# --- postal code --------------------------------------------------------------------------------


@PROPERTY
@given(st.integers(1000, 9999))
def test_dos1_every_belgian_postal_code_from_1000_to_9999_is_accepted(number):
    assert normalize_postal_code(f" {number} ", "BE") == str(number)


@PROPERTY
@given(st.integers(0, 999))
def test_dos1_a_belgian_postal_code_below_1000_is_refused(number):
    with pytest.raises(InvalidIdentifier, match="Belgian postal codes run from 1000 to 9999"):
        normalize_postal_code(f"{number:04d}", "BE")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("900", "a Belgian postal code has 4 digits, not 3"),
        ("90000", "a Belgian postal code has 4 digits, not 5"),
        ("B-9000", "a Belgian postal code has only digits, like 9000"),
        ("9OOO", "a Belgian postal code has only digits"),
        ("９０００", "a Belgian postal code has only digits"),  # full-width digits
        ("  ", "postal code '  ': empty"),
    ],
)
def test_dos1_a_bad_belgian_postal_code_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvalidIdentifier, match=reason):
        normalize_postal_code(typed, "BE")


@pytest.mark.parametrize(
    ("typed", "country", "code"),
    [
        ("1012  ab", "NL", "1012 AB"),
        ("75001", "FR", "75001"),
        ("sw1a 1aa", "GB", "SW1A 1AA"),
        ("12345-6789", "US", "12345-6789"),
        ("0999", "DE", "0999"),  # only Belgium's range is checked
    ],
)
def test_dos1_a_foreign_postal_code_keeps_its_own_format(typed, country, code):
    assert normalize_postal_code(typed, country) == code


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("#75001", "only letters, digits, spaces and dashes are allowed"),
        ("-75001", "only letters, digits, spaces and dashes are allowed"),
        ("12345678901", "at most 10 characters, not 11"),
    ],
)
def test_dos1_a_foreign_postal_code_is_refused_for_its_shape(typed, reason):
    with pytest.raises(InvalidIdentifier, match=reason):
        normalize_postal_code(typed, "FR")


# --- codes gerechtigde CG1/CG2 --------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "code"), [("110", "110"), (" 111 ", "111"), ("000", "000")])
def test_dos1_an_entitlement_code_is_three_digits(typed, code):
    assert normalize_entitlement_code(typed) == code


@pytest.mark.parametrize("typed", ["11", "1100", "11a", "", "١١٠"])  # last: Arabic-Indic digits
def test_dos1_an_entitlement_code_that_is_not_three_digits_is_refused(typed):
    with pytest.raises(InvalidIdentifier, match=r"has 3 digits, like 110"):
        normalize_entitlement_code(typed)


# --- the values on a person -------------------------------------------------------------------

GENT = {"street": "Veldstraat", "house_number": "12", "postal_code": "9000", "municipality": "Gent"}


def test_dos1_an_address_is_normalized_by_its_country():
    address = Address(**{**GENT, "country": "be", "street": " Veldstraat "})

    assert (address.country, address.street, address.postal_code) == ("BE", "Veldstraat", "9000")


def test_dos1_a_belgian_address_needs_a_postal_code_but_one_abroad_may_have_none():
    abroad = Address(
        street="Sheikh Zayed Road", house_number="1", municipality="Dubai", country="AE"
    )

    assert abroad.postal_code is None
    with pytest.raises(ValidationError, match="a Belgian address needs a postal code"):
        Address(**{**GENT, "postal_code": None, "country": "BE"})


def test_dos1_a_bad_country_is_the_only_reason_given_for_its_address():
    with pytest.raises(ValidationError) as refused:
        Address(**{**GENT, "postal_code": "not a postal code!", "country": "ZZ"})

    assert [e["loc"] for e in refused.value.errors()] == [("country",)]


def test_dos1_vt_has_a_start_date_exactly_when_granted():
    granted = Entitlement(
        cg1="111",
        cg2="111",
        increased_reimbursement=True,
        increased_reimbursement_since="2025-01-01",
    )

    assert granted.increased_reimbursement_since == date(2025, 1, 1)
    with pytest.raises(ValidationError, match="VT\\) granted: give the date it starts"):
        Entitlement(cg1="111", cg2="111", increased_reimbursement=True)
    with pytest.raises(ValidationError, match="start date for increased reimbursement"):
        Entitlement(
            cg1="110",
            cg2="110",
            increased_reimbursement=False,
            increased_reimbursement_since="2025-01-01",
        )
