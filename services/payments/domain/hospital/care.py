"""What a hospitalisation-insurance claim says (PAY-5): the care, its cost lines, and what
caused it. Plain immutable data; amounts are Decimal (never float), normalised to cents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from services.payments.domain.hospital.products import LineKind, Product
from services.payments.domain.hospital.usage import ZERO, money

BELGIUM = "BE"


class Room(StrEnum):
    SHARED = "shared"
    SINGLE = "single"  # eenpersoonskamer


class Forfait(StrEnum):
    ONE_DAY_CLINIC = "one_day_clinic"
    MINI_MAXI = "mini_maxi"


class Cause(StrEnum):
    """What caused the care, for the exclusions ("WAT ZIJN DE BELANGRIJKSTE UITSLUITINGEN?").
    The handler sets a flag once the exceptions printed with the exclusion are weighed
    (reconstructive surgery after a ZIV-covered illness, no causal link with alcohol, ...)."""

    NOT_MEDICALLY_ESTABLISHED = "not_medically_established"
    AESTHETIC = "aesthetic"
    ALCOHOL_OR_DRUGS = "alcohol_or_drugs"
    THERMAL_CURE = "thermal_cure"
    WAR = "war"
    AERIAL_OR_MOTOR_SPORT = "aerial_or_motor_sport"
    PROFESSIONAL_SPORT = "professional_sport"
    DELIBERATE_ACT = "deliberate_act"
    RADIOACTIVITY = "radioactivity"
    SELF_HARM = "self_harm"
    AIRCREW = "aircrew"
    PERSONAL_CONVENIENCE = "personal_convenience"
    PSYCHIATRIC = "psychiatric"


@dataclass(frozen=True)
class HospitalStay:
    admitted: date
    discharged: date
    room: Room = Room.SHARED

    def __post_init__(self) -> None:
        if self.discharged < self.admitted:
            raise ValueError("a stay ends on or after its admission")


@dataclass(frozen=True)
class DayAdmission:
    on: date
    forfait: Forfait
    room: Room = Room.SHARED
    fertility_not_ziv: bool = False  # sterilisation, contraception, insemination, IVF, not ZIV


@dataclass(frozen=True)
class AroundStay:
    """Care before or after a stay (each line carries its date)."""

    stay: HospitalStay


@dataclass(frozen=True)
class SeriousIllnessCare:
    """Care outside hospital for a serious illness (each line carries its date)."""

    disease: str


@dataclass(frozen=True)
class DentalCare:
    """Dental care without hospitalisation nor serious illness (each line carries its date)."""


@dataclass(frozen=True)
class HomeBirth:
    on: date


@dataclass(frozen=True)
class PsychiatricStay:
    admitted: date
    discharged: date
    service: int  # diensten 34 t/m 43

    def __post_init__(self) -> None:
        if not 34 <= self.service <= 43 or self.discharged < self.admitted:
            raise ValueError("a psychiatric stay is in services 34 to 43 and ends after it starts")


Care = (
    HospitalStay
    | DayAdmission
    | AroundStay
    | SeriousIllnessCare
    | DentalCare
    | HomeBirth
    | PsychiatricStay
)
STAYS = (HospitalStay, PsychiatricStay)


@dataclass(frozen=True)
class Line:
    """One cost on the claim, with what the legal insurance (ZIV), the MAF and other insurers
    paid of it. `quantity`: days, nights, km, cases or items (default: from the stay, or 1)."""

    kind: LineKind
    charged: Decimal
    ziv_paid: Decimal = ZERO
    other_paid: Decimal = ZERO
    maf_refund: Decimal = ZERO
    on: date | None = None
    legal_fee: Decimal | None = None  # wettelijk ereloon
    legal_intervention: Decimal | None = None  # wettelijke tussenkomst
    co_payment: Decimal | None = None  # wettelijk remgeld
    fictive_ziv: Decimal | None = None  # abroad: what the ZIV would have paid in Belgium
    quantity: int | None = None
    ziv_reimbursed: bool = True
    medical_reason: bool = True  # ambulance, helicopter

    def __post_init__(self) -> None:
        for name in ("charged", "ziv_paid", "other_paid", "maf_refund"):
            object.__setattr__(self, name, _money(getattr(self, name)))
        for name in ("legal_fee", "legal_intervention", "co_payment", "fictive_ziv"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _money(getattr(self, name)))
        if self.quantity is not None and self.quantity < 0:
            raise ValueError("a quantity is not negative")


@dataclass(frozen=True)
class Claim:
    product: Product  # the level in effect for this care (waiting periods resolved)
    filed_on: date
    care: Care
    lines: tuple[Line, ...]
    country: str = BELGIUM  # ISO 3166 code of the country of care
    causes: frozenset[Cause] = frozenset()

    @property
    def care_date(self) -> date:
        return care_date(self.care, self.lines)


def care_date(care: Care, lines: tuple[Line, ...]) -> date:
    """The day the table is chosen on: admission, day of care, or the first line's date."""
    if isinstance(care, STAYS):
        return care.admitted
    if isinstance(care, DayAdmission | HomeBirth):
        return care.on
    if isinstance(care, AroundStay):
        return care.stay.admitted
    dates = [line.on for line in lines if line.on is not None]
    if not dates:
        raise ValueError(f"the lines of {type(care).__name__} carry their dates")
    return min(dates)


def _money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float | bool):
        raise TypeError(f"money is a Decimal, an int or a string, not {value!r}")
    amount = Decimal(value)
    if amount < 0:
        raise ValueError(f"{value!r} is a negative amount")
    return money(amount)
