"""A claim's lines as pieces to decide (PAY-5): one per line, or one per calendar year for a
line of a stay over New Year.

A night belongs to the year of its evening. A per-day or per-night line (room, parent, misc,
hospital hotel; every line of a psychiatric stay) without its own date or quantity is split over
the years by the stay's nights, its amounts pro rata (the last year takes the cents left); any
other line counts in the year of its date (default: the admission)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from services.payments.domain.hospital.calculation import Piece
from services.payments.domain.hospital.calendar import nights_per_year
from services.payments.domain.hospital.care import (
    BELGIUM,
    STAYS,
    Care,
    Claim,
    DayAdmission,
    HomeBirth,
    Line,
    PsychiatricStay,
)
from services.payments.domain.hospital.products import LineKind, Product
from services.payments.domain.hospital.usage import money

NIGHTLY = frozenset({LineKind.ROOM, LineKind.PARENT_STAY, LineKind.MISC, LineKind.HOSPITAL_HOTEL})

Share = Callable[[Decimal], Decimal]


def pieces_of(claim: Claim) -> list[Piece]:
    pieces: list[Piece] = []
    for index, line in enumerate(claim.lines):
        legal = _legal(claim, line)
        for year, on, share, units in _parts(claim.care, line):
            pieces.append(
                Piece(
                    index=index,
                    kind=line.kind,
                    year=year,
                    on=on,
                    asked=share(line.charged),
                    legal=share(legal),
                    maf=share(line.maf_refund),
                    other=share(line.other_paid),
                    units=units,
                    legal_fee=line.legal_fee,
                    legal_intervention=line.legal_intervention,
                    co_payment=line.co_payment,
                )
            )
    return pieces


def by_year(pieces: list[Piece]) -> dict[int, list[Piece]]:
    years: dict[int, list[Piece]] = {}
    for piece in pieces:
        years.setdefault(piece.year, []).append(piece)
    return years


def _legal(claim: Claim, line: Line) -> Decimal:
    """What the legal insurance paid; abroad, for Neutra+, the fictive ZIV intervention when the
    ZIV paid nothing ("na aftrek van de fictieve tegemoetkoming van de Z.I.V.")."""
    fictive = claim.country != BELGIUM and claim.product is Product.PLUS
    if fictive and not line.ziv_paid and line.fictive_ziv is not None:
        return line.fictive_ziv
    return line.ziv_paid


def _parts(care: Care, line: Line) -> list[tuple[int, date, Share, int]]:
    if isinstance(care, STAYS) and line.on is None and line.quantity is None:
        nights = nights_per_year(care.admitted, care.discharged)
        nightly = line.kind in NIGHTLY or isinstance(care, PsychiatricStay)
        if nightly and len(nights) > 1:
            total, years = sum(nights.values()), sorted(nights)
            return [
                (
                    year,
                    max(care.admitted, date(year, 1, 1)),
                    _share(nights[year], total, year == years[-1]),
                    nights[year],
                )
                for year in years
            ]
    on = line.on or _default_date(care, line)
    return [(on.year, on, _whole, _units(care, line))]


def _share(part: int, total: int, last: bool) -> Share:
    def share(amount: Decimal) -> Decimal:
        if last:
            return amount - money(amount * (total - part) / total)
        return money(amount * part / total)

    return share


def _whole(amount: Decimal) -> Decimal:
    return amount


def _units(care: Care, line: Line) -> int:
    if line.quantity is not None:
        return line.quantity
    if line.kind is LineKind.TRANSPORT_KM:
        raise ValueError("a transport line gives its km as quantity")
    nights = (care.discharged - care.admitted).days if isinstance(care, STAYS) else 0
    if line.kind in (LineKind.PARENT_STAY, LineKind.MISC):
        return nights
    if line.kind in (LineKind.ROOM, LineKind.HOSPITAL_HOTEL):
        return max(1, nights)  # days billed: the nights, at least one
    return 1


def _default_date(care: Care, line: Line) -> date:
    if isinstance(care, STAYS):
        return care.admitted
    if isinstance(care, DayAdmission | HomeBirth):
        return care.on
    raise ValueError(f"a {line.kind.value} line of {type(care).__name__} needs its date (on)")
