"""Validation of the identifiers a person's file holds (DOS-1, DOS-2).

* INSZ / NISS (identificatienummer van de sociale zekerheid / numéro d'identification de la
  sécurité sociale): the 11-digit social-security number of a person. It is either the
  rijksregisternummer (numéro de registre national) of someone in the National Register, or
  the BIS-nummer (numéro BIS) that the Crossroads Bank for Social Security hands out to people
  who are not in that register (frontier workers, foreigners with Belgian rights, ...).
  Layout YYMMDD-SSS-CC: birth date, a serial (odd for men, even for women) and check digits
  ``97 - (YYMMDDSSS mod 97)``; for births from 2000 the check is taken over ``2YYMMDDSSS``.
  Unknown birth-date parts are 00; a BIS number adds 20 (sex unknown) or 40 (sex known) to
  the month.
* IBAN and BIC of the bank account refunds are paid to; phone number; e-mail address.
* The country (ISO 3166-1 alpha-2) and postal code of an address: a Belgian postal code
  (postcode / code postal) has 4 digits, 1000 to 9999; abroad only its shape is checked.
* Codes gerechtigde / codes titulaire CG1 and CG2: 3 digits each, set by the fund.

Each ``normalize_*`` function returns the one canonical form to store and compare, or raises
:class:`InvalidIdentifier` with a reason a person can act on. The ``Annotated`` types at the end
do the same inside pydantic models, so a ``ValidationError`` carries that reason.
"""

from __future__ import annotations

import calendar
import re
import warnings
from datetime import date
from functools import lru_cache
from typing import Annotated, Literal

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, ValidationResult
from pydantic import AfterValidator, Field
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from stdnum import exceptions as stdnum_errors
from stdnum.be import ssn

InszKind = Literal["national_register", "bis"]


class InvalidIdentifier(ValueError):
    """An identifier was rejected; ``str()`` reads "<what> <value>: <reason>"."""

    def __init__(self, what: str, value: str, reason: str) -> None:
        self.what, self.value, self.reason = what, value, reason
        super().__init__(f"{what} {value}: {reason}")

    def __reduce__(self):  # keeps the exception picklable despite its three arguments
        return type(self), (self.what, self.value, self.reason)


def _shown(value: str) -> str:
    """The raw input, quoted and cut short, for an error message."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


# --- INSZ / NISS: rijksregisternummer or BIS-nummer -------------------------------------------


# A file of care certificates names each member many times, and checking one number costs
# as much as deciding its certificate: the numbers checked last are remembered (errors are not).
@lru_cache(maxsize=1 << 16)
def normalize_insz(value: str) -> str:
    """Return the INSZ as 11 digits; dots, dashes and spaces ("85.07.30-033.28") are dropped."""
    number = ssn.compact(value)  # strips " -." and surrounding whitespace

    def invalid(reason: str, shown: str = number) -> InvalidIdentifier:
        return InvalidIdentifier("national register number", shown, reason)

    if not number:
        raise invalid("empty", "''")
    if not (number.isascii() and number.isdigit()):
        raise invalid("only digits, dots, dashes and spaces are allowed", _shown(value))
    if len(number) != 11:
        raise invalid(f"it must have 11 digits, not {len(number)}")
    if int(number) == 0:
        raise invalid("it cannot be all zeros")
    try:
        ssn.validate(number)
    except stdnum_errors.InvalidChecksum:
        raise invalid("the check digits do not match") from None
    except stdnum_errors.InvalidComponent:
        raise invalid(
            f"impossible birth month {number[2:4]} (01-12, 21-32 or 41-52 for a BIS number, "
            "00, 20 or 40 when unknown)"
        ) from None
    except stdnum_errors.ValidationError as exc:
        raise invalid(exc.message) from None
    # stdnum reads a day past the end of the month as "day unknown"; such a date is impossible.
    month, day = int(number[2:4]) % 20, int(number[4:6])
    year = ssn.get_birth_year(number)
    if year and month and day and day > calendar.monthrange(year, month)[1]:
        raise invalid(f"impossible birth date {year}-{month:02d}-{day:02d}")
    return number


def formatted_insz(number: str) -> str:
    """`85073003328` → `85.07.30-033.28`, as the national register number is written."""
    return f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"


def insz_kind(value: str) -> InszKind:
    """Whether the INSZ is a rijksregisternummer or a BIS-nummer (month raised by 20 or 40)."""
    return "bis" if int(normalize_insz(value)[2:4]) >= 20 else "national_register"


def birth_date_of(insz: str) -> date | None:
    """The birth date the INSZ encodes, or None when the day, month or year is unknown (00)."""
    return ssn.get_birth_date(normalize_insz(insz))


def gender_of(insz: str) -> Literal["M", "F"] | None:
    """The registered sex (odd serial: M, even: F); None for a BIS number issued without it."""
    return ssn.get_gender(normalize_insz(insz))  # type: ignore[return-value]


# --- Bank account: IBAN and BIC ----------------------------------------------------------------

_IBAN_CHARS = re.compile(r"[A-Z0-9]+")


def normalize_iban(value: str) -> str:
    """Return the IBAN in electronic form ("BE71096123456769"), national check digits verified."""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    shown = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))

    def invalid(reason: str) -> InvalidIdentifier:
        return InvalidIdentifier("IBAN", shown or "''", reason)

    if not _IBAN_CHARS.fullmatch(compact) or not compact[:2].isalpha():
        raise invalid("an IBAN is a country code, two check digits and letters or digits")
    if len(compact) < 5:
        raise invalid("too short to be an IBAN")
    try:
        with warnings.catch_warnings():  # countries without a known national check algorithm
            warnings.simplefilter("ignore", iban_errors.NationalChecksumNotVerified)
            return str(IBAN(compact, validate_bban=True))
    except iban_errors.InvalidCountryCode:
        raise invalid(f"unknown country code {compact[:2]}") from None
    except iban_errors.InvalidLength:
        expected = IBAN(compact, allow_invalid=True).spec.iban_length
        raise invalid(
            f"a {compact[:2]} IBAN has {expected} characters, not {len(compact)}"
        ) from None
    except iban_errors.InvalidStructure:
        raise invalid(f"the account part does not follow the {compact[:2]} format") from None
    except iban_errors.InvalidChecksumDigits:
        raise invalid("invalid checksum") from None
    except iban_errors.InvalidBBANChecksum:
        raise invalid("invalid national check digits") from None
    except iban_errors.SchwiftyException as exc:
        raise invalid(str(exc)) from None


def bic_for(iban: str) -> str | None:
    """The BIC of the bank holding the account, when schwifty's bank registry knows the bank."""
    bic = IBAN(normalize_iban(iban)).bic
    return normalize_bic(bic) if bic else None


def normalize_bic(value: str) -> str:
    """Return the BIC in capitals; the head-office branch "XXX" is dropped ("GEBABEBB")."""
    compact = re.sub(r"\s", "", value).upper()
    try:
        BIC(compact)
    except iban_errors.InvalidLength:
        reason = f"a BIC has 8 or 11 characters, not {len(compact)}"
        raise InvalidIdentifier("BIC", _shown(value), reason) from None
    except iban_errors.InvalidStructure:
        reason = "expected 4 letters (bank), 2 (country), 2 letters or digits (place), 3 (branch)"
        raise InvalidIdentifier("BIC", _shown(value), reason) from None
    except iban_errors.SchwiftyException:
        reason = f"unknown country code {compact[4:6]}"
        raise InvalidIdentifier("BIC", _shown(value), reason) from None
    return compact[:8] if compact.endswith("XXX") else compact


# --- Phone number and e-mail address -----------------------------------------------------------

_PHONE_CHARS = re.compile(r"[0-9+()./\-\s]+")
_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "unknown country calling code",
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}
_IMPOSSIBLE = {
    ValidationResult.INVALID_COUNTRY_CODE: "unknown country calling code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "wrong number of digits",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number: add the area code",
}


def normalize_phone(value: str, default_region: str = "BE") -> str:
    """Return the number in E.164 ("+32470123456"); without "+" or "00" it is read as a number
    of ``default_region`` ("0470 12 34 56" is Belgian by default)."""
    text = value.strip()

    def invalid(reason: str) -> InvalidIdentifier:
        return InvalidIdentifier("phone number", _shown(value), reason)

    if not text:
        raise invalid("empty")
    if not _PHONE_CHARS.fullmatch(text):
        raise invalid("only digits, spaces and + ( ) . / - are allowed")
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException as exc:
        raise invalid(_PARSE_ERRORS.get(exc.error_type, "unreadable")) from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != ValidationResult.IS_POSSIBLE:
        raise invalid(_IMPOSSIBLE.get(possible, "impossible number"))
    if not phonenumbers.is_valid_number(number):
        region = phonenumbers.region_code_for_country_code(number.country_code)
        raise invalid(f"no such number in the {region} numbering plan")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(value: str) -> str:
    """Return the address with its domain in lower case; deliverability is not checked (no I/O)."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidIdentifier("e-mail address", _shown(value), str(exc)) from None


# --- Address: country and postal code ---------------------------------------------------------

# Not in ISO 3166-1, but what EU bodies write: say which code ISO has instead.
_NOT_ISO = {"UK": "GB", "EL": "GR"}
# User-assigned in ISO 3166-1, yet the code Belgian and EU administrations use for Kosovo.
_ALSO_ACCEPTED = {"XK"}
_COUNTRY_SHAPE = re.compile(r"[A-Z]{2}")
_FOREIGN_POSTAL_CODE = re.compile(r"[A-Z0-9][A-Z0-9 \-]*")


def normalize_country(value: str) -> str:
    """Return the ISO 3166-1 alpha-2 code in capitals ("be" → "BE")."""
    code = value.strip().upper()

    def invalid(reason: str) -> InvalidIdentifier:
        return InvalidIdentifier("country code", _shown(value), reason)

    if code in _NOT_ISO:
        raise invalid(f"not an ISO 3166-1 code: write {_NOT_ISO[code]}")
    if len(code) == 3 and (country := pycountry.countries.get(alpha_3=code)):
        raise invalid(f"write the two-letter code {country.alpha_2}")
    if not _COUNTRY_SHAPE.fullmatch(code):
        raise invalid("a country code is two letters (ISO 3166-1 alpha-2), like BE")
    if code not in _ALSO_ACCEPTED and pycountry.countries.get(alpha_2=code) is None:
        raise invalid("no such country in ISO 3166-1")
    return code


def normalize_postal_code(value: str, country: str) -> str:
    """Return the postal code as mail carries it. A Belgian one is 4 digits, 1000 to 9999
    (bpost's range); formats abroad are too many to check here, so only their characters and
    length are (letters in capitals, spaces collapsed: "1012 ab" → "1012 AB")."""
    code = " ".join(value.split()).upper()

    def invalid(reason: str) -> InvalidIdentifier:
        return InvalidIdentifier("postal code", _shown(value), reason)

    if not code:
        raise invalid("empty")
    if normalize_country(country) == "BE":
        if not (code.isascii() and code.isdigit()):
            raise invalid("a Belgian postal code has only digits, like 9000")
        if len(code) != 4:
            raise invalid(f"a Belgian postal code has 4 digits, not {len(code)}")
        if code[0] == "0":
            raise invalid("Belgian postal codes run from 1000 to 9999")
        return code
    if not (code.isascii() and _FOREIGN_POSTAL_CODE.fullmatch(code)):
        raise invalid("only letters, digits, spaces and dashes are allowed")
    if len(code) > 10:  # the longest formats in use (US ZIP+4, Iran) have 10 characters
        raise invalid(f"at most 10 characters, not {len(code)}")
    return code


# --- Codes gerechtigde CG1/CG2 -----------------------------------------------------------------


def normalize_entitlement_code(value: str) -> str:
    """Return a code gerechtigde (CG1 or CG2) as its 3 digits ("110")."""
    code = value.strip()
    if not (code.isascii() and code.isdigit() and len(code) == 3):
        reason = "a code gerechtigde (CG1, CG2) has 3 digits, like 110"
        raise InvalidIdentifier("entitlement code", _shown(value), reason)
    return code


# --- RIZIV/INAMI number of a care provider ----------------------------------------------------


def normalize_riziv_number(value: str) -> str:
    """Return a care provider's RIZIV/INAMI number as its 11 digits ("10005549004").

    The first digit names the profession (1 physician, 3 dentist, 4 nurse or midwife,
    5 physiotherapist, ...), the first six digits with the next two identify the provider and
    the last three are the qualification (bevoegdheidscode; a recognised GP is 003 or 004).
    The two check digits are ``97 - (first six mod 97)`` or, for the numbers RIZIV has handed
    out since its note I 2012/26 of 31 October 2012 (home nurses and midwives from 2013,
    physicians from 1 April 2019), ``89 - (first six mod 89)``; both are accepted, which is
    also why a provider is identified by eight digits, not six. Sources: RIZIV, "Software-
    leveranciers" (new numbers "op basis van een andere check digit (controlegetal) ...
    (modulo 89)"), https://www.inami.fgov.be/nl/professionals/andere-professionals/
    softwareleveranciers/Paginas/default.aspx; Infohos, "Software Infohos Services klaar voor
    nieuwe RIZIV-nummers artsen", https://www.infohos.be/nl/blog/12189 (note I 2012/26,
    doctors from 1 April 2019); the ``89 -`` form as taktik's iCure checks it (KMEHR export,
    ``isNihiiValid``). Printed forms write it 1-00055-49-004; separators are dropped."""
    digits = re.sub(r"[\s./-]", "", value)
    if not (digits.isascii() and digits.isdigit() and len(digits) == 11):
        reason = "a RIZIV/INAMI number has 11 digits, like 1-00055-49-004"
        raise InvalidIdentifier("RIZIV/INAMI number", _shown(value), reason)
    base, check = int(digits[:6]), int(digits[6:8])
    if check not in (97 - base % 97, 89 - base % 89):
        raise InvalidIdentifier("RIZIV/INAMI number", _shown(value), "its check digits are wrong")
    return digits


# --- RIZIV/INAMI nomenclature code ------------------------------------------------------------


def normalize_nomenclature_code(value: str) -> str:
    """Return a code of the RIZIV/INAMI nomenclature of health care (the list of what the
    compulsory insurance pays for) as its 6 digits ("102771")."""
    code = value.strip()
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        reason = "a RIZIV/INAMI nomenclature code has 6 digits, like 102771"
        raise InvalidIdentifier("nomenclature code", _shown(value), reason)
    return code


# --- pydantic types for contracts and commands -------------------------------------------------

Insz = Annotated[
    str,
    AfterValidator(normalize_insz),
    Field(description="INSZ/NISS: rijksregisternummer or BIS-nummer, 11 digits"),
]
Iban = Annotated[str, AfterValidator(normalize_iban), Field(description="IBAN, electronic form")]
Bic = Annotated[str, AfterValidator(normalize_bic), Field(description="BIC (SWIFT code)")]
PhoneNumber = Annotated[
    str, AfterValidator(normalize_phone), Field(description="Phone number, E.164")
]
Email = Annotated[str, AfterValidator(normalize_email), Field(description="E-mail address")]
CountryCode = Annotated[
    str, AfterValidator(normalize_country), Field(description="ISO 3166-1 alpha-2 country code")
]
EntitlementCode = Annotated[
    str,
    AfterValidator(normalize_entitlement_code),
    Field(description="Code gerechtigde (CG1 or CG2), 3 digits"),
]
RizivNumber = Annotated[
    str,
    AfterValidator(normalize_riziv_number),
    Field(description="RIZIV/INAMI number of a care provider, 11 digits"),
]
NomenclatureCode = Annotated[
    str,
    AfterValidator(normalize_nomenclature_code),
    Field(description="RIZIV/INAMI nomenclature code of a health-care service, 6 digits"),
]
