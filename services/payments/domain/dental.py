"""Regular dental care: the oral care path (mondzorgtraject / trajet de soins buccaux, DOS-9).

From the 18th birthday, a person with no reimbursed dental care in the previous calendar year
pays a higher co-payment on most dental care the next year: the reimbursement of scaling is
halved, the co-payment of fillings, root canals, extractions and work on prostheses doubles
(EUR 1 more with VT). Consultations, preventive care, orthodontics and periodontology are
outside the path. It applies automatically; nobody applies for it. Sources: HZIV/CAAMI, "Het
mondzorgtraject", https://www.caami-hziv.fgov.be/nl/zeevarenden/het-mondzorgtraject; CM,
"Tandartsen: tarieven preventieve tandzorg 2022" (in 2022 care in 2020 or 2021 counted, for
COVID-19). The path exists since 1 June 2016, not only since 2025.

The service counts a certificate as a dentist visit when its code is in :data:`DENTAL`; the
figures themselves are tariff rows with ``dental_regular`` (see tariffs.py)."""

from __future__ import annotations

from datetime import date

DENTAL = frozenset(
    {
        "301593",  # oral exam from the 18th birthday
        "371615",  # first oral exam of the year, up to the 18th birthday
        "302153", "302175", "302190", "302212", "302234",  # scaling, per quadrant / several
        "373892",  # filling, one face, permanent tooth, up to the 15th birthday
        "374371",  # filling, one face, 15th to 18th birthday
    }
)  # fmt: skip
"""The dental codes of the shipped tariff rows (kind "dental" in tariffs/codes.yaml)."""

ADULT_AGE = 18


def is_dental(code: str) -> bool:
    """A certificate with this code is a visit to the dentist (it feeds the dental care pass)."""
    return code.strip() in DENTAL


def age_on(birth_date: date, on: date) -> int:
    """Completed years on ``on`` (someone born on 29 February turns a year older on 1 March)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


def is_regular(birth_date: date, care_date: date, had_dental_care_previous_year: bool) -> bool:
    """Whether the care on ``care_date`` gets the regular (lower) co-payment: always before the
    18th birthday, where the path does not apply; from then on only after reimbursed dental care
    in the previous calendar year."""
    if age_on(birth_date, care_date) < ADULT_AGE:
        return True
    return had_dental_care_previous_year


def visit_needed_this_year(birth_date: date, today: date, had_dental_care_this_year: bool) -> bool:
    """What the dental care pass shows (DOS-9): without reimbursed dental care this year, care
    next year costs more, once the person is 18 or older at some point next year."""
    if had_dental_care_this_year:
        return False
    return age_on(birth_date, date(today.year + 1, 12, 31)) >= ADULT_AGE
