"""The Neutra hospitalisation-insurance products as a model (PAY-5): the products, the blocks of
the product sheet (settings), the kinds of cost on a claim, and a product table made of rows
that carry the sheet's own Dutch wording and the rule computing it. Loaded from the data files
by hospital.tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from shared.contracts.insurance import Product


class Setting(StrEnum):
    """Which block of the sheet a line is read in."""

    STAY = "stay"  # Kosten tijdens de hospitalisatie
    PRE_POST = "pre_post"  # Verstrekkingen voor en na de hospitalisatie
    SERIOUS_ILLNESS = "serious_illness"  # Ernstige ziekten (outside hospital)
    DENTAL_BE = "dental_be"  # Tandheelkundige zorg, geldig in België
    DENTAL_NEIGHBOURS = "dental_neighbours"  # ... in Duitsland, Frankrijk, Luxemburg, Nederland


class LineKind(StrEnum):
    ROOM = "room"
    FEES = "fees"  # erelonen en ereloonsupplementen
    PHARMACY_ZIV = "pharmacy_ziv"  # farmaceutische kosten erkend door de Z.I.V.
    PHARMACY_NON_ZIV = "pharmacy_non_ziv"
    PROSTHESIS = "prosthesis"  # art. 27-31 of the nomenclature
    MATERIAL_PURCHASE = "material_purchase"  # aankoop van medische benodigdheden
    MATERIAL_RENTAL = "material_rental"  # huur van medisch materiaal
    PARENT_STAY = "parent_stay"  # a parent in the room of a child under 12 (nights)
    MISC = "misc"  # diverse kosten (nights)
    HOSPITAL_HOTEL = "hospital_hotel"  # ziekenhuishotel of opvangcentrum (days)
    AMBULANCE = "ambulance"
    HELICOPTER = "helicopter"
    TRANSPORT_KM = "transport_km"  # transport other than ambulance, not reimbursed by the ZIV
    DENTAL_PREVENTIVE = "dental_preventive"
    DENTAL_PROSTHESIS = "dental_prosthesis"
    DENTAL_PLATE = "dental_plate"  # plaatprothese
    DENTAL_CROWN = "dental_crown"
    DENTAL_IMPLANT = "dental_implant"
    OTHER = "other"


class Rule(StrEnum):
    NOT_COVERED = "not_covered"  # "-" in the sheet
    PERCENT = "percent"  # rate x what is left after the ZIV and other payers
    PER_DAY = "per_day"
    PER_NIGHT = "per_night"
    PER_CASE = "per_case"
    PER_ITEM = "per_item"
    PER_KM = "per_km"
    YEARLY_AMOUNT = "yearly_amount"  # at most `amount` per calendar year
    LEGAL_FEE_MULTIPLE = "legal_fee_multiple"  # rate x the legal fee (wettelijk ereloon)
    LEGAL_INTERVENTION_MULTIPLE = "legal_intervention_multiple"  # rate x wettelijke tussenkomst
    CO_PAYMENT_PERCENT = "co_payment_percent"  # rate x the legal co-payment (remgeld)
    AS_STAY = "as_stay"  # claim rows: paid as an ordinary hospitalisation


@dataclass(frozen=True)
class Row:
    id: str
    section: str
    label: str  # the sheet's row, in Dutch
    benefit: str  # the sheet's cell, in Dutch
    rule: Rule
    settings: tuple[Setting, ...] = ()
    lines: tuple[LineKind, ...] = ()
    amount: Decimal | None = None
    rate: Decimal | None = None
    per_year: int | None = None  # nights or items per calendar year
    yearly_cap: Decimal | None = None
    counter: str | None = None  # the year's usage key (shared by rows with the same counter)

    @property
    def quoted(self) -> str:
        return f"'{self.label}': {self.benefit}"


@dataclass(frozen=True)
class Deductible:
    key: str  # stay | single_room | serious_illness
    label: str
    benefit: str
    amount: Decimal


@dataclass(frozen=True)
class YearlyMaximum:
    key: str
    label: str
    benefit: str
    amount: Decimal
    lines: tuple[LineKind, ...] = ()  # empty: every line
    except_day_admissions: bool = False

    def counts(self, kind: LineKind, day_admission: bool) -> bool:
        if day_admission and self.except_day_admissions:
            return False
        return not self.lines or kind in self.lines


@dataclass(frozen=True)
class ForeignCover:
    label: str
    per_day: Decimal | None
    per_year: Decimal | None
    deduct_fictive_ziv: bool


@dataclass(frozen=True)
class Premium:
    label: str
    amount: Decimal
    otherwise: Decimal | None = None  # the footnote's amount when the child is not free
    footnote: str | None = None


@dataclass(frozen=True)
class ProductTable:
    product: Product
    name: str
    valid_from: date
    countries: frozenset[str] | None  # None: worldwide
    territory_label: str
    rows: tuple[Row, ...]
    claim_rows: Mapping[str, Row]
    deductibles: Mapping[str, Deductible]
    yearly_maxima: tuple[YearlyMaximum, ...]
    foreign: ForeignCover | None
    prescription_years: int
    prescription_label: str
    window: tuple[int, int] | None  # months before admission, months after discharge
    window_label: str | None
    new_year_grace: tuple[int, int] | None  # (month, day) in the year after admission
    exclusions: Mapping[str, str]  # cause -> the sheet's text
    non_ziv_exclusion: str | None
    not_covered: Mapping[str, str]  # care -> the sheet's text saying who covers it
    serious_illnesses: tuple[str, ...]
    premiums_label: str
    premiums: tuple[Premium, ...]
    sources: tuple[str, ...]
    unconfirmed: tuple[str, ...] = field(default=())

    def row(self, setting: Setting, kind: LineKind) -> Row | None:
        return next((r for r in self.rows if setting in r.settings and kind in r.lines), None)

    def is_serious_illness(self, disease: str) -> bool:
        wanted = _disease(disease)
        return any(_disease(name) == wanted for name in self.serious_illnesses)


def _disease(name: str) -> str:
    text = " ".join(name.casefold().split())
    return text.removeprefix("de ")
