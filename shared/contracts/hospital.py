"""Contracts of the hospitalisation-insurance claims (PAY-5, seed 003), which payments decides
on the person's Neutra cover: what a claim says (the care, its cost lines with what the legal
insurance and other insurers paid, what caused it), and the decision with every line's
computation, so a member and a handler see why each euro was or was not paid. The payout is an
item of the payment run like any reimbursement (`PaymentMade`).

What the care was, the disease and each line's reasons are health data, sealed under the
person; amounts, dates and the product stay readable, as the other payments contracts keep
them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.dossier import MEMBER_SERVICES
from shared.contracts.insurance import Product
from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import CountryCode, Insz
from shared.privacy.marking import Personal

Health = Personal("health")
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Room = Literal["shared", "single"]

# The kinds of cost the product sheet's rows name (services/payments/domain/hospital/products.py).
LineKind = Literal[
    "room",
    "fees",
    "pharmacy_ziv",
    "pharmacy_non_ziv",
    "prosthesis",
    "material_purchase",
    "material_rental",
    "parent_stay",
    "misc",
    "hospital_hotel",
    "ambulance",
    "helicopter",
    "transport_km",
    "dental_preventive",
    "dental_prosthesis",
    "dental_plate",
    "dental_crown",
    "dental_implant",
    "other",
]
# What caused the care, for the exclusions ("WAT ZIJN DE BELANGRIJKSTE UITSLUITINGEN?").
Cause = Literal[
    "not_medically_established",
    "aesthetic",
    "alcohol_or_drugs",
    "thermal_cure",
    "war",
    "aerial_or_motor_sport",
    "professional_sport",
    "deliberate_act",
    "radioactivity",
    "self_harm",
    "aircrew",
    "personal_convenience",
    "psychiatric",
]


class _Care(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HospitalStay(_Care):
    kind: Literal["hospital_stay"]
    admitted: date
    discharged: date
    room: Room = "shared"


class DayAdmission(_Care):
    kind: Literal["day_admission"]
    on: date
    forfait: Literal["one_day_clinic", "mini_maxi"]
    room: Room = "shared"
    fertility_not_ziv: bool = False


class AroundStay(_Care):
    """Care in the 2 months before or the 3 months after this stay (each line dated)."""

    kind: Literal["around_stay"]
    admitted: date
    discharged: date
    room: Room = "shared"


class SeriousIllness(_Care):
    """Care outside hospital for a disease of the sheet's list (each line dated)."""

    kind: Literal["serious_illness"]
    disease: str = Field(min_length=1, max_length=100)


class Dental(_Care):
    kind: Literal["dental"]


class HomeBirth(_Care):
    kind: Literal["home_birth"]
    on: date


class PsychiatricStay(_Care):
    kind: Literal["psychiatric_stay"]
    admitted: date
    discharged: date
    service: int = Field(ge=34, le=43)


Care = Annotated[
    HospitalStay
    | DayAdmission
    | AroundStay
    | SeriousIllness
    | Dental
    | HomeBirth
    | PsychiatricStay,
    Field(discriminator="kind"),
]


class ClaimLine(BaseModel):
    """A cost on the claim, and what the legal insurance (ZIV), the MAF and other insurers
    paid of it; `quantity` in days, nights, km or items where the row counts them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: LineKind
    charged: Amount
    ziv_paid: Amount = Decimal("0.00")
    other_paid: Amount = Decimal("0.00")
    maf_refund: Amount = Decimal("0.00")
    on: date | None = None
    legal_fee: Amount | None = None
    legal_intervention: Amount | None = None
    co_payment: Amount | None = None
    fictive_ziv: Amount | None = None
    quantity: int | None = Field(None, ge=0)
    ziv_reimbursed: bool = True
    medical_reason: bool = True


@commands.register
class FileHospitalClaim(Command):
    """PAY-5: a hospital invoice (or care around a stay, serious-illness or dental care) of an
    insured person, filed on `filed_on`; decided at once on their Neutra cover on the day of
    care, its waiting periods (`accident_on`: the care follows an accident on that day;
    `pregnancy`: it is for a pregnancy or birth) and the product sheet's table."""

    type_name = "FileHospitalClaim"
    allowed_roles = MEMBER_SERVICES

    claim_id: str = Field(min_length=1, max_length=64, pattern=r"^[\w.:/-]+$")
    national_register_number: Insz
    filed_on: date
    care: Care
    lines: list[ClaimLine] = Field(min_length=1, max_length=200)
    country: CountryCode = "BE"
    causes: list[Cause] = []
    accident_on: date | None = None
    pregnancy: bool = False

    @model_validator(mode="after")
    def _an_accident_is_no_pregnancy(self) -> FileHospitalClaim:
        if self.accident_on is not None and self.pregnancy:
            raise ValueError("care is for an accident or for a pregnancy, not both")
        return self


class LineDecided(BaseModel):
    """One line's computation: what was asked, what was left after the legal insurance and
    other insurers, the benefit, the sheet's row that applied and every reason in words."""

    model_config = ConfigDict(frozen=True)

    line: int
    kind: LineKind
    year: int
    asked: Amount
    left: Amount
    benefit: Amount
    row: Annotated[str | None, Health] = None
    reasons: tuple[Annotated[str, Health], ...] = ()


@events.register
class HospitalClaimDecided(Event):
    """PAY-5: the claim decided: the product the person holds, the `level` whose table paid
    (a lower one in months 7 to 9 of a pregnancy's waiting period), each line's computation,
    the total benefit (paid like any reimbursement), or the `refusal` with its reason (no
    cover that day, a waiting period, an exclusion, the 3-year limit)."""

    type_name = "HospitalClaimDecided"

    claim_id: str
    person_id: str
    booklet_id: str
    product: Product | None
    level: Product | None
    filed_on: date
    care_date: date
    care_kind: str
    asked: Amount
    benefit: Amount
    refusal: Annotated[str | None, Health] = None
    lines: tuple[LineDecided, ...] = ()
    # The person's use of each calendar year's limits after this claim, by year.
    usage: dict[int, dict[str, dict[str, str]]] = {}
