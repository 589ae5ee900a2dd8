"""Identifiers of a person's file: INSZ (DOS-1); IBAN/BIC, phone and e-mail (DOS-2).

The valid numbers are built here from the published rules, not by the libraries under test:
INSZ check digits are ``97 - (YYMMDDSSS mod 97)``, over ``2YYMMDDSSS`` for births from 2000;
a Belgian BBAN ends in ``(bank + account) mod 97`` (97 for 0); IBAN check digits are
``98 - (BBAN + "BE00" as digits) mod 97``.
"""

from __future__ import annotations

import calendar
import pickle
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from shared.identifiers import (
    Bic,
    Email,
    Iban,
    Insz,
    InvalidIdentifier,
    PhoneNumber,
    bic_for,
    birth_date_of,
    gender_of,
    insz_kind,
    normalize_bic,
    normalize_email,
    normalize_iban,
    normalize_insz,
    normalize_phone,
)

PROPERTY = settings(max_examples=200, deadline=None)


# --- building valid numbers from the rules ----------------------------------------------------


def insz(yymmdd: str, serial: int, *, from_2000: bool) -> str:
    first9 = f"{yymmdd}{serial:03d}"
    return first9 + f"{97 - int(('2' if from_2000 else '') + first9) % 97:02d}"


def insz_for(born: date, serial: int, month_offset: int = 0) -> str:
    yymmdd = f"{born:%y}{born.month + month_offset:02d}{born.day:02d}"
    return insz(yymmdd, serial, from_2000=born.year >= 2000)


def valid_by_the_rules(number: str) -> bool:
    """An independent reading of the INSZ rules, to judge a corrupted number."""
    yy, mm, dd = int(number[:2]), int(number[2:4]), int(number[4:6])
    if int(number) == 0 or not (mm <= 12 or 20 <= mm <= 32 or 40 <= mm <= 52):
        return False
    check = int(number[9:])
    centuries = [1900] if 97 - int(number[:9]) % 97 == check else []
    if yy + 2000 <= date.today().year and 97 - int("2" + number[:9]) % 97 == check:
        centuries.append(2000)
    if not centuries:
        return False
    month = mm % 20
    return not (month and dd and dd > calendar.monthrange(centuries[0] + yy, month)[1])


def single_digit_corruptions(number: str, positions: range):
    for i in positions:
        for digit in "0123456789":
            if digit != number[i]:
                yield i, number[:i] + digit + number[i + 1 :]


def be_iban(bank_code: int, account: int) -> str:
    first10 = f"{bank_code:03d}{account:07d}"
    bban = first10 + f"{int(first10) % 97 or 97:02d}"
    return f"BE{98 - int(bban + '111400') % 97:02d}{bban}"  # B = 11, E = 14


def grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


births = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
serials = st.integers(min_value=1, max_value=997)
month_offsets = st.sampled_from([0, 20, 40])  # national register, BIS sex unknown, BIS sex known

# Bank-code ranges of four Belgian banks, as schwifty's bank registry knows them.
BANKS = [(1, 49, "GEBABEBB"), (50, 99, "GKCCBEBB"), (300, 399, "BBRUBEBB"), (400, 499, "KREDBEBB")]
belgian_accounts = st.sampled_from(BANKS).flatmap(
    lambda bank: st.tuples(
        st.integers(bank[0], bank[1]), st.integers(0, 9_999_999), st.just(bank[2])
    )
)


# --- DOS-1: INSZ examples ---------------------------------------------------------------------


def test_dos1_a_national_register_number_of_a_birth_before_2000_is_accepted():
    assert insz_for(date(1985, 7, 30), 33) == "85073003328"
    assert normalize_insz("85073003328") == "85073003328"
    assert insz_kind("85073003328") == "national_register"
    assert birth_date_of("85073003328") == date(1985, 7, 30)
    assert gender_of("85073003328") == "M"


def test_dos1_a_birth_from_2000_takes_its_check_digits_over_a_2_prefix():
    number = insz_for(date(2017, 7, 30), 33)
    assert number == "17073003384"
    assert normalize_insz(number) == number
    assert birth_date_of(number) == date(2017, 7, 30)
    # The same nine digits with the pre-2000 check would be a different, 1917, number.
    assert birth_date_of(insz("170730", 33, from_2000=False)) == date(1917, 7, 30)


def test_dos1_a_birth_in_the_future_is_refused():
    with pytest.raises(InvalidIdentifier, match="the check digits do not match"):
        normalize_insz(insz("990101", 1, from_2000=True))  # 2099


@pytest.mark.parametrize(
    ("offset", "gender"), [(20, None), (40, "F")], ids=["sex-unknown", "sex-known"]
)
def test_dos1_a_bis_number_has_its_month_raised_by_20_or_40(offset, gender):
    number = insz_for(date(1998, 7, 28), 996, month_offset=offset)
    assert normalize_insz(number) == number
    assert insz_kind(number) == "bis"
    assert birth_date_of(number) == date(1998, 7, 28)
    assert gender_of(number) == gender


@pytest.mark.parametrize(
    "yymmdd", ["850000", "850700", "852000", "854700", "000001"], ids=lambda s: s
)
def test_dos1_an_unknown_birth_date_is_accepted_without_a_birth_date(yymmdd):
    number = insz(yymmdd, 1, from_2000=False)
    assert normalize_insz(number) == number
    assert birth_date_of(number) is None


@pytest.mark.parametrize(
    "typed", ["85.07.30-033.28", "85 07 30 033 28", "850730-033-28", " 85073003328 "]
)
def test_dos1_dots_dashes_and_spaces_are_dropped(typed):
    assert normalize_insz(typed) == "85073003328"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("8507300332", "national register number 8507300332: it must have 11 digits, not 10"),
        ("850730033281", "it must have 11 digits, not 12"),
        ("", "national register number '': empty"),
        ("85O73003328", "national register number '85O73003328': only digits"),
        ("85/07/30 033 28", "only digits, dots, dashes and spaces are allowed"),
        ("85073003327", "national register number 85073003327: the check digits do not match"),
        ("00000000000", "it cannot be all zeros"),
        (insz("851330", 33, from_2000=False), "impossible birth month 13"),
        (insz("853530", 33, from_2000=False), "impossible birth month 35"),
        (insz("850230", 33, from_2000=False), "impossible birth date 1985-02-30"),
        (insz("000229", 33, from_2000=False), "impossible birth date 1900-02-29"),
        (insz("852231", 33, from_2000=False), "impossible birth date 1985-02-31"),
    ],
)
def test_dos1_an_invalid_number_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvalidIdentifier) as refused:
        normalize_insz(typed)
    assert reason in str(refused.value)


def test_dos1_29_february_2000_is_a_real_birth_date():
    assert birth_date_of(insz("000229", 33, from_2000=True)) == date(2000, 2, 29)


# --- DOS-1: INSZ properties -------------------------------------------------------------------


@PROPERTY
@given(births, serials, month_offsets)
def test_dos1_every_number_built_by_the_rules_is_accepted(born, serial, offset):
    number = insz_for(born, serial, offset)
    typed = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"

    assert normalize_insz(typed) == number
    assert birth_date_of(number) == born
    assert insz_kind(number) == ("bis" if offset else "national_register")
    assert gender_of(number) == (None if offset == 20 else "MF"[1 - serial % 2])


def is_century_swap(position: int, original: str, corrupted: str) -> bool:
    return position == 1 and abs(int(corrupted[1]) - int(original[1])) == 6


@PROPERTY
@given(births, serials, month_offsets)
def test_dos1_every_single_digit_typo_is_refused_unless_it_swaps_the_century(born, serial, offset):
    number = insz_for(born, serial, offset)
    for position, corrupted in single_digit_corruptions(number, range(11)):
        if valid_by_the_rules(corrupted):
            # See the next test: 94 years apart, two numbers share their check digits.
            assert is_century_swap(position, number, corrupted)
            assert normalize_insz(corrupted) == corrupted
            continue
        with pytest.raises(InvalidIdentifier) as refused:
            normalize_insz(corrupted)
        assert f"national register number {corrupted}: " in str(refused.value)


def test_dos1_the_only_typo_the_check_misses_turns_the_year_digit_by_six():
    """Mod 97 catches a one-digit change unless the change is worth 2 * 10**9 mod 97.

    The check depends on the nine digits only through their value mod 97. Changing digit i
    (0-8) by d shifts that value by d * 10**(8 - i): the check still matches for the same
    century iff the shift is 0 mod 97 (never, 97 is prime), and for the other century iff it is
    +-(2 * 10**9) mod 97, i.e. +-68. Only d = +-6 in the second year digit qualifies
    (6 * 10**7 = 68 mod 97): someone born in 2013 and someone born the same day in 1919 with the
    same serial have the same check digits. A change in the check digits themselves (by +-d or
    +-10d) is never 0 or +-68 mod 97, so it is always caught.
    """
    swap = 2 * 10**9 % 97
    undetected = {
        (position, d)
        for position in range(9)
        for d in range(-9, 10)
        if d and d * 10 ** (8 - position) % 97 in {0, swap, -swap % 97}
    }
    assert undetected == {(1, 6), (1, -6)}
    check_changes = [s * d * 10**k for s in (1, -1) for d in range(1, 10) for k in (0, 1)]
    assert not [c for c in check_changes if c % 97 in {0, swap, -swap % 97}]

    assert normalize_insz("13061512362") == "13061512362"  # born 2013-06-15
    assert normalize_insz("19061512362") == "19061512362"  # born 1919-06-15
    assert birth_date_of("13061512362") == date(2013, 6, 15)
    assert birth_date_of("19061512362") == date(1919, 6, 15)


def test_dos1_century_swaps_are_a_tiny_share_of_all_single_digit_typos():
    accepted, total = [], 0
    for year in range(1900, 2026):
        number = insz_for(date(year, 6, 15), 123)
        for position, corrupted in single_digit_corruptions(number, range(11)):
            total += 1
            try:
                normalize_insz(corrupted)
            except InvalidIdentifier:
                assert not valid_by_the_rules(corrupted)
            else:
                assert is_century_swap(position, number, corrupted)
                accepted.append(corrupted)
    # 1906-09, 1916-19, 1926-29 <-> 2000-03, 2010-13, 2020-23: 24 of 12,474 typos.
    assert len(accepted) == 24 and total == 126 * 99


# --- DOS-2: bank account ----------------------------------------------------------------------


def test_dos2_an_iban_is_stored_in_electronic_form():
    assert normalize_iban("BE71 0961 2345 6769") == "BE71096123456769"
    assert normalize_iban("be71-0961-2345-6769") == "BE71096123456769"
    assert normalize_iban("NL91 ABNA 0417 1643 00") == "NL91ABNA0417164300"
    assert normalize_iban("FR14 2004 1010 0505 0001 3M02 606") == "FR1420041010050500013M02606"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("BE71 0961 2345 6768", "IBAN BE71 0961 2345 6768: invalid checksum"),
        # IBAN checksum right, Belgian check digits (the last two) wrong.
        ("BE98 0961 2345 6768", "IBAN BE98 0961 2345 6768: invalid national check digits"),
        ("BE71 0961 2345 676", "a BE IBAN has 16 characters, not 15"),
        ("BE71 0961 2345 67AB", "the account part does not follow the BE format"),
        ("XX71 0961 2345 6769", "unknown country code XX"),
        ("BE71 0961 2345 6769 é", "an IBAN is a country code, two check digits"),
        ("BE7", "too short to be an IBAN"),
        ("", "IBAN '': an IBAN is a country code"),
    ],
)
def test_dos2_an_invalid_iban_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvalidIdentifier) as refused:
        normalize_iban(typed)
    assert reason in str(refused.value)


def test_dos2_the_bic_of_a_belgian_bank_is_derived_from_the_iban():
    assert bic_for("BE71 0961 2345 6769") == "GKCCBEBB"
    assert bic_for("BE68 5390 0754 7034") is None  # bank code 539 is not in the registry


@pytest.mark.parametrize(
    ("typed", "bic"),
    [("gkcc be bb", "GKCCBEBB"), ("GEBABEBBXXX", "GEBABEBB"), ("KREDBEBB100", "KREDBEBB100")],
)
def test_dos2_a_bic_is_normalized(typed, bic):
    assert normalize_bic(typed) == bic


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("GEBA", "BIC 'GEBA': a BIC has 8 or 11 characters, not 4"),
        ("GEBAXXBB", "unknown country code XX"),
        ("GE-ABEBB", "expected 4 letters (bank)"),
    ],
)
def test_dos2_an_invalid_bic_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvalidIdentifier) as refused:
        normalize_bic(typed)
    assert reason in str(refused.value)


@PROPERTY
@given(belgian_accounts)
def test_dos2_every_belgian_iban_built_by_the_rules_is_accepted(account):
    bank_code, number, bic = account
    iban = be_iban(bank_code, number)
    assert normalize_iban(grouped(iban)) == iban
    assert bic_for(iban) == bic


@PROPERTY
@given(belgian_accounts)
def test_dos2_every_single_digit_typo_in_a_belgian_iban_is_refused(account):
    iban = be_iban(*account[:2])
    for _, corrupted in single_digit_corruptions(iban, range(2, 16)):
        with pytest.raises(InvalidIdentifier) as refused:
            normalize_iban(corrupted)
        message = str(refused.value)
        assert message.startswith(f"IBAN {grouped(corrupted)}: ")
        assert message.endswith(("invalid checksum", "invalid national check digits"))


# --- DOS-2: phone number and e-mail -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0470 12 34 56", "+32470123456"),  # Belgian mobile
        ("+32 470 12 34 56", "+32470123456"),
        ("0032 470 12 34 56", "+32470123456"),
        ("02 511 22 33", "+3225112233"),  # Brussels landline
        ("(02) 511.22.33", "+3225112233"),
        ("09/223 45 67", "+3292234567"),  # Ghent landline
        ("+33 6 12 34 56 78", "+33612345678"),  # French mobile
        ("+33 1 42 68 53 00", "+33142685300"),  # Paris landline
        ("+31 6 12345678", "+31612345678"),  # Dutch mobile
        ("0031 20 123 4567", "+31201234567"),  # Amsterdam landline
    ],
)
def test_dos2_a_phone_number_is_stored_in_e164(typed, e164):
    assert normalize_phone(typed) == e164


def test_dos2_a_phone_number_without_country_code_is_read_in_the_default_region():
    assert normalize_phone("06 12 34 56 78", default_region="FR") == "+33612345678"
    with pytest.raises(InvalidIdentifier, match="no such number in the BE numbering plan"):
        normalize_phone("06 12 34 56 78")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0470 12 34 5", "phone number '0470 12 34 5': no such number in the BE numbering plan"),
        ("0470 12 34 56 78", "too long"),
        ("+999 123 456", "unknown country calling code"),
        ("0800 FLOWERS", "only digits, spaces and + ( ) . / - are allowed"),
        ("+32 2 511 22 33 ext. 12", "only digits"),
        ("", "empty"),
        ("+", "not a phone number"),
    ],
)
def test_dos2_an_invalid_phone_number_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvalidIdentifier) as refused:
        normalize_phone(typed)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("jan.peeters@mutualis.be", "jan.peeters@mutualis.be"),
        ("  Jan.Peeters@Mutualis.BE ", "Jan.Peeters@mutualis.be"),
        ("els+dossier@example.com", "els+dossier@example.com"),
    ],
)
def test_dos2_an_email_address_is_normalized(typed, normalized):
    assert normalize_email(typed) == normalized


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("jan.peeters", "e-mail address 'jan.peeters': An email address must have an @-sign."),
        ("jan@@mutualis.be", "invalid characters"),
        ("jan peeters@mutualis.be", "invalid characters before the @-sign"),
        ("jan@localhost", "It should have a period"),
        ("", "e-mail address ''"),
    ],
)
def test_dos2_an_invalid_email_address_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvalidIdentifier) as refused:
        normalize_email(typed)
    assert reason in str(refused.value)


def test_dos1_dos2_a_refusal_keeps_its_parts_and_survives_pickling():
    with pytest.raises(InvalidIdentifier) as refused:
        normalize_insz("85073003327")
    copy = pickle.loads(pickle.dumps(refused.value))
    assert (copy.what, copy.value, copy.reason) == (
        "national register number",
        "85073003327",
        "the check digits do not match",
    )
    assert str(copy) == str(refused.value)
    assert isinstance(copy, ValueError)


# --- pydantic types in contracts --------------------------------------------------------------


class PersonDetails(BaseModel):
    insz: Insz
    iban: Iban | None = None
    bic: Bic | None = None
    phone: PhoneNumber | None = None
    email: Email | None = None


def test_dos1_dos2_the_pydantic_types_normalize_every_field():
    person = PersonDetails(
        insz="85.07.30-033.28",
        iban="BE71 0961 2345 6769",
        bic="gkccbebb",
        phone="0470 12 34 56",
        email="Jan@Mutualis.BE",
    )
    assert person.model_dump() == {
        "insz": "85073003328",
        "iban": "BE71096123456769",
        "bic": "GKCCBEBB",
        "phone": "+32470123456",
        "email": "Jan@mutualis.be",
    }


def test_dos1_a_model_refuses_a_bad_insz_with_the_reason():
    with pytest.raises(ValidationError) as refused:
        PersonDetails(insz="85.07.30-033.27")
    assert "national register number 85073003327: the check digits do not match" in str(
        refused.value
    )
    assert refused.value.errors()[0]["loc"] == ("insz",)


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        ("iban", "BE71 0961 2345 6768", "IBAN BE71 0961 2345 6768: invalid checksum"),
        ("bic", "GEBA", "a BIC has 8 or 11 characters"),
        ("phone", "0470 12 34 5", "no such number in the BE numbering plan"),
        ("email", "jan@@mutualis.be", "e-mail address 'jan@@mutualis.be'"),
    ],
)
def test_dos2_a_model_refuses_a_bad_contact_detail_with_the_reason(field, typed, reason):
    with pytest.raises(ValidationError) as refused:
        PersonDetails(insz="85073003328", **{field: typed})
    assert reason in str(refused.value)
    assert refused.value.errors()[0]["loc"] == (field,)


def test_dos1_an_insz_given_as_a_json_number_is_refused():
    # A number would have lost the leading zero of a birth in 2000-2009.
    with pytest.raises(ValidationError, match="Input should be a valid string"):
        PersonDetails(insz=85073003328)
