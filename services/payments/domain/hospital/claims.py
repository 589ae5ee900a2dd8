"""Hospitalisation-insurance claims (hospitalisatieverzekering, PAY-5): what a Neutra product
pays on one claim of one insured person, line by line, with the reason for every euro.

The caller passes the product level in effect for the care (waiting periods resolved, see
shared/insurance/cover.py's `cover_on`), the claim (hospital.care)
and the person's usage of the year(s) concerned; `decide_claim` returns an immutable decision
with the updated usage. Tables come from services/payments/hospital/*.yaml (hospital.tables).

Readings of the sheet (seed 003), also listed under `unconfirmed` in the data files:
- Base/Optimum deductible ("200 € per jaar per persoon voor elke ziekenhuisopname van meer dan
  één dag"): at most 200 EUR per person per calendar year, taken on the benefits of stays that
  last more than one day (discharge after the admission day), never on a day admission (the
  neutrahospi.be FAQ: hospitalised twice in a year, the deductible is taken once).
- Single-room deductible (Confort 125, Top 100 a year) on the room and doctors' fee lines of a
  stay in a single room; serious-illness deductible (125 a year) on serious-illness care; the
  deductibles are independent ("Beide vrijstellingen staan los van elkaar").
- A stay over New Year is split per calendar year (hospital.pieces); night limits, deductibles
  and yearly maxima apply per year; its new-year part takes no new stay or single-room
  deductible when the stay ends by 15 January (neutrahospi.be FAQ).
- Dental: a MAF refund counts as paid by the legal insurance ("De maximumfactuur (MAF) wordt in
  mindering gebracht voor deze 5 diensten"); Dentalis ("heeft voorrang") is another insurer.
- Abroad (Neutra+, Confort, Top): the per-day cap counts the stay's nights in the year (at least
  1) or the distinct care dates of other care; dental care abroad has its own table instead."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.payments.domain.hospital.calculation import (
    Piece,
    apply_row,
    cap_claim,
    cap_total,
    cap_yearly,
    settle_payers,
    take_deductible,
)
from services.payments.domain.hospital.calendar import nights_per_year
from services.payments.domain.hospital.care import (
    BELGIUM,
    STAYS,
    AroundStay,
    Care,
    Cause,
    Claim,
    DayAdmission,
    DentalCare,
    Forfait,
    HomeBirth,
    HospitalStay,
    Line,
    PsychiatricStay,
    Room,
    SeriousIllnessCare,
)
from services.payments.domain.hospital.exclusions import check_line, claim_refusal
from services.payments.domain.hospital.pieces import by_year, pieces_of
from services.payments.domain.hospital.products import (
    LineKind,
    Product,
    ProductTable,
    Row,
    Rule,
    Setting,
)
from services.payments.domain.hospital.tables import table_for
from services.payments.domain.hospital.usage import ZERO, Ledger, YearUsage, eur, money

__all__ = [
    "AroundStay", "Cause", "Claim", "ClaimDecision", "DayAdmission", "DentalCare", "Forfait",
    "HomeBirth", "HospitalStay", "Line", "LineDecision", "LineKind", "Product",
    "PsychiatricStay", "Room", "SeriousIllnessCare", "YearUsage", "decide_claim",
]  # fmt: skip


@dataclass(frozen=True)
class LineDecision:
    line: int  # index in Claim.lines
    kind: LineKind
    year: int
    on: date
    asked: Decimal
    left: Decimal  # after the legal insurance, the MAF and other insurers
    benefit: Decimal
    row: str | None  # the sheet's row that applied, in Dutch
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ClaimDecision:
    product: Product
    table: str
    lines: tuple[LineDecision, ...]
    asked: Decimal
    left: Decimal
    benefit: Decimal
    refusal: str | None  # why the whole claim is refused, if it is
    usage: Mapping[int, YearUsage]  # the person's usage per calendar year after this claim


def decide_claim(
    claim: Claim,
    history: Mapping[int, YearUsage] | None = None,
    *,
    tables: Iterable[ProductTable] | None = None,
) -> ClaimDecision:
    """Decide a claim on the table of its product in force on the care date."""
    table = table_for(claim.product, claim.care_date, tables)
    ledger = Ledger(history or {})
    pieces = pieces_of(claim)
    refusal = claim_refusal(claim, table)
    for piece in pieces:
        if refusal:
            piece.refuse(refusal)
        else:
            check_line(piece, claim, table)
    live = [p for p in pieces if not p.refused]
    for piece in live:
        settle_payers(piece)
    if live:
        _price(claim, table, live, ledger)
    decided = tuple(_line_decision(p) for p in pieces)
    return ClaimDecision(
        product=claim.product,
        table=f"{table.name}, valid from {table.valid_from.isoformat()}",
        lines=decided,
        asked=sum((d.asked for d in decided), ZERO),
        left=sum((d.left for d in decided), ZERO),
        benefit=sum((d.benefit for d in decided), ZERO),
        refusal=refusal,
        usage=ledger.usage(),
    )


def _price(claim: Claim, table: ProductTable, live: list[Piece], ledger: Ledger) -> None:
    care = claim.care
    claim_row = _claim_row(care, table)
    if claim_row is not None and claim_row.rule is not Rule.AS_STAY:
        for year, group in by_year(live).items():
            cap_claim(group, claim_row, _claim_units(care, year), ledger, year)
    elif isinstance(care, DayAdmission | HomeBirth) and claim_row is None:
        for piece in live:
            piece.reasons.append(
                f"not in the product sheet: {table.name} has no row for {_care_name(care)}; "
                "0.00 EUR"
            )
    else:
        setting = _setting(care, claim.country)
        for piece in live:
            if claim_row is not None:  # a day admission paid as an ordinary hospitalisation
                piece.reasons.append(claim_row.quoted)
            apply_row(piece, table.row(setting, piece.kind), table, ledger, setting.value)
    _deductibles(care, table, live, ledger)
    abroad = claim.country != BELGIUM and not isinstance(care, DentalCare)
    foreign = table.foreign if abroad else None
    if foreign is not None and foreign.per_day is not None:
        for year, group in by_year(live).items():
            days = _foreign_days(care, year, group)
            cap = foreign.per_day * days
            cap_total(group, cap, f"'{foreign.label}' ({days} days: {eur(cap)})")
    for piece in live:
        cap_yearly(piece, _yearly_limits(piece, care, table, abroad), ledger)


def _deductibles(care: Care, table: ProductTable, live: list[Piece], ledger: Ledger) -> None:
    wanted: list[tuple[str, frozenset[LineKind] | None]] = []
    if isinstance(care, HospitalStay) and care.discharged > care.admitted:
        wanted.append(("stay", None))
    if isinstance(care, HospitalStay | DayAdmission) and care.room is Room.SINGLE:
        wanted.append(("single_room", frozenset({LineKind.ROOM, LineKind.FEES})))
    if isinstance(care, SeriousIllnessCare):
        wanted.append(("serious_illness", None))
    for key, kinds in wanted:
        deductible = table.deductibles.get(key)
        if deductible is None:
            continue
        for year, group in by_year(live).items():
            chosen = [p for p in group if kinds is None or p.kind in kinds]
            take_deductible(chosen, deductible, ledger, _deductible_year(care, table, year))


def _deductible_year(care: Care, table: ProductTable, year: int) -> int:
    """The year whose deductible a part of a stay takes: the admission year for the new-year
    part of a stay that ends by the grace day (15 January)."""
    if isinstance(care, HospitalStay) and table.new_year_grace and year > care.admitted.year:
        month, day = table.new_year_grace
        if care.discharged <= date(care.admitted.year + 1, month, day):
            return care.admitted.year
    return year


def _yearly_limits(
    piece: Piece, care: Care, table: ProductTable, abroad: bool
) -> list[tuple[str, Decimal, str]]:
    limits = [] if piece.counter is None else [piece.counter]
    day_admission = isinstance(care, DayAdmission)
    limits += [
        (m.key, m.amount, f"'{m.label}': {m.benefit}")
        for m in table.yearly_maxima
        if m.counts(piece.kind, day_admission)
    ]
    if abroad and table.foreign is not None and table.foreign.per_year is not None:
        limits.append(("foreign", table.foreign.per_year, f"'{table.foreign.label}'"))
    return limits


def _setting(care: Care, country: str) -> Setting:
    if isinstance(care, AroundStay):
        return Setting.PRE_POST
    if isinstance(care, SeriousIllnessCare):
        return Setting.SERIOUS_ILLNESS
    if isinstance(care, DentalCare):
        return Setting.DENTAL_BE if country == BELGIUM else Setting.DENTAL_NEIGHBOURS
    return Setting.STAY


def _claim_row(care: Care, table: ProductTable) -> Row | None:
    if isinstance(care, DayAdmission):
        if care.fertility_not_ziv and "day_admission_fertility" in table.claim_rows:
            return table.claim_rows["day_admission_fertility"]
        return table.claim_rows.get(f"day_admission_{care.forfait.value}")
    if isinstance(care, HomeBirth):
        return table.claim_rows.get("home_birth")
    if isinstance(care, PsychiatricStay):
        return table.claim_rows.get("psychiatric")
    return None


def _claim_units(care: Care, year: int) -> int:
    if isinstance(care, PsychiatricStay):
        return nights_per_year(care.admitted, care.discharged).get(year, 0)
    return 1  # a day admission is one day, a home birth one case


def _foreign_days(care: Care, year: int, group: list[Piece]) -> int:
    if isinstance(care, STAYS):
        nights = nights_per_year(care.admitted, care.discharged)
        return max(1, nights.get(year, 0))  # a day admitted and left counts as one day
    return len({p.on for p in group})


def _care_name(care: DayAdmission | HomeBirth) -> str:
    if isinstance(care, DayAdmission):
        return f"a day admission with a {care.forfait.value.replace('_', ' ')} forfait"
    return "a home birth"


def _line_decision(piece: Piece) -> LineDecision:
    return LineDecision(
        line=piece.index,
        kind=piece.kind,
        year=piece.year,
        on=piece.on,
        asked=piece.asked,
        left=money(piece.left),
        benefit=money(piece.benefit),
        row=piece.row,
        reasons=tuple(piece.reasons),
    )
