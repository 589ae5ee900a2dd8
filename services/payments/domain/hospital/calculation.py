"""The arithmetic of a hospitalisation-insurance claim (PAY-5): one step per rule of the sheet,
each writing in words why it changed a line's benefit.

The order, for every line (or every calendar-year part of a line, see hospital.pieces):
1. what is left after the legal insurance (ZIV, or abroad for Neutra+ its fictive intervention),
   the MAF refund and other insurers ("na aftrek van de wettelijke tussenkomst ... of de
   tussenkomst door een andere verzekering ... of elke andere terugbetaling");
2. the table row (per day, per night, multiple of the legal fee, percentage, ...), with its
   nights or items per calendar year;
3. the caps of a whole claim (day admission per day, home birth, psychiatric stay per night);
4. the deductibles (vrijstelling), on the benefit, before the maxima;
5. abroad, the per-day cap; then the yearly money caps: a row's own (transport, plate
   prosthesis), the sheet's yearly maxima, the foreign yearly cap."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.payments.domain.hospital.products import (
    Deductible,
    LineKind,
    ProductTable,
    Row,
    Rule,
)
from services.payments.domain.hospital.usage import ZERO, Ledger, eur, money


@dataclass
class Piece:
    """One line, or the part of a line that falls in one calendar year, being decided."""

    index: int
    kind: LineKind
    year: int
    on: date
    asked: Decimal
    legal: Decimal  # ZIV paid (or abroad, for Neutra+, the fictive ZIV intervention)
    maf: Decimal
    other: Decimal
    units: int  # days, nights, km, cases or items
    legal_fee: Decimal | None = None
    legal_intervention: Decimal | None = None
    co_payment: Decimal | None = None
    left: Decimal = ZERO
    benefit: Decimal = ZERO
    row: str | None = None
    refused: bool = False
    counter: tuple[str, Decimal, str] | None = None  # a row's own yearly money cap
    reasons: list[str] = field(default_factory=list)

    def refuse(self, reason: str) -> None:
        self.refused, self.benefit = True, ZERO
        self.reasons.append(reason)

    def reduce_to(self, amount: Decimal, reason: str) -> None:
        if amount < self.benefit:
            self.benefit = max(ZERO, money(amount))
            self.reasons.append(f"{reason}; benefit {eur(self.benefit)}")


def settle_payers(piece: Piece) -> None:
    """What is left for the insurance after the legal insurance, the MAF and other payers."""
    piece.left = max(ZERO, piece.asked - piece.legal - piece.maf - piece.other)
    paid = [
        (piece.legal, "legal insurance (ZIV)"),
        (piece.maf, "MAF refund"),
        (piece.other, "other insurers"),
    ]
    told = "; ".join(f"{who} {eur(amount)}" for amount, who in paid if amount)
    piece.reasons.append(
        f"asked {eur(piece.asked)}" + (f"; {told}" if told else "") + f"; left {eur(piece.left)}"
    )


def apply_row(
    piece: Piece, row: Row | None, table: ProductTable, ledger: Ledger, where: str
) -> None:
    """The benefit of one line under its table row."""
    if row is None:
        piece.reasons.append(
            f"not in the product sheet: {table.name} has no row for {piece.kind.value} "
            f"({where}); 0.00 EUR"
        )
        return
    piece.row = row.label
    if row.rule is Rule.NOT_COVERED:
        piece.reasons.append(f"{row.quoted}: not covered by {table.name}; 0.00 EUR")
        return
    cap, told = _row_cap(piece, row, ledger)
    piece.benefit = money(min(piece.left, cap))
    piece.reasons.append(f"{row.quoted}: {told}; benefit {eur(piece.benefit)}")
    if row.rule is Rule.PER_KM:
        piece.counter = (row.counter or row.id, row.yearly_cap or ZERO, row.quoted)
    elif row.rule is Rule.YEARLY_AMOUNT:
        piece.counter = (row.counter or row.id, row.amount or ZERO, row.quoted)


def _row_cap(piece: Piece, row: Row, ledger: Ledger) -> tuple[Decimal, str]:
    rate, amount = row.rate or ZERO, row.amount or ZERO
    match row.rule:
        case Rule.PERCENT:
            return money(piece.left * rate), f"{rate * 100:.0f} % of {eur(piece.left)}"
        case Rule.PER_DAY | Rule.PER_CASE | Rule.PER_KM:
            return amount * piece.units, f"{eur(amount)} x {piece.units}"
        case Rule.PER_NIGHT | Rule.PER_ITEM:
            units, told = _yearly_units(piece, row, ledger)
            return amount * units, f"{eur(amount)} x {units}{told}"
        case Rule.YEARLY_AMOUNT:
            return amount, f"at most {eur(amount)} per calendar year"
        case Rule.LEGAL_FEE_MULTIPLE:
            return _multiple(rate, piece.legal_fee, "the legal fee (wettelijk ereloon)")
        case Rule.LEGAL_INTERVENTION_MULTIPLE:
            return _multiple(rate, piece.legal_intervention, "the legal intervention")
        case Rule.CO_PAYMENT_PERCENT:
            if piece.co_payment is None:
                return ZERO, "no legal co-payment (remgeld) on the line"
            base = max(ZERO, piece.co_payment - piece.maf)
            told = f"{rate * 100:.0f} % of the co-payment {eur(piece.co_payment)}"
            if piece.maf:
                told += f" less the MAF refund {eur(piece.maf)}"
            return money(base * rate), told
    raise ValueError(f"rule {row.rule.value} does not price a line")


def _yearly_units(piece: Piece, row: Row, ledger: Ledger) -> tuple[int, str]:
    if row.per_year is None or row.counter is None:
        return piece.units, ""
    used = ledger.count(piece.year, row.counter)
    units = max(0, min(piece.units, row.per_year - used))
    ledger.add_count(piece.year, row.counter, units)
    return (
        units,
        f" ({units} of {piece.units}; {row.per_year} per calendar year, "
        f"{used} used in {piece.year})",
    )


def _multiple(rate: Decimal, base: Decimal | None, what: str) -> tuple[Decimal, str]:
    if base is None:
        return ZERO, f"no {what.removeprefix('the ')} on the line (not reimbursed by the ZIV)"
    return rate * base, f"{rate:g} x {what} {eur(base)}"


def cap_claim(pieces: list[Piece], row: Row, units: int, ledger: Ledger, year: int) -> None:
    """A row that caps a whole claim: every line's cost left counts, in line order, up to the
    row's cap for the claim (per day, per case, or per night within the year's nights)."""
    told = ""
    if row.per_year is not None and row.counter is not None:
        used = ledger.count(year, row.counter)
        allowed = max(0, min(units, row.per_year - used))
        ledger.add_count(year, row.counter, allowed)
        told = (
            f" ({allowed} of {units} nights; {row.per_year} per calendar year, "
            f"{used} used in {year})"
        )
        units = allowed
    cap = (row.amount or ZERO) * units
    room = cap
    for piece in pieces:
        piece.row, piece.benefit = row.label, money(min(piece.left, room))
        room -= piece.benefit
        piece.reasons.append(
            f"{row.quoted}: {eur(row.amount or ZERO)} x {units}{told} = {eur(cap)} for the "
            f"claim in {year}; benefit {eur(piece.benefit)}"
        )


def cap_total(pieces: Iterable[Piece], cap: Decimal, reason: str) -> None:
    """Reduce the benefits, in line order, so that together they are at most `cap`."""
    room = max(ZERO, cap)
    for piece in pieces:
        piece.reduce_to(min(piece.benefit, room), reason)
        room -= piece.benefit


def take_deductible(
    pieces: Iterable[Piece], deductible: Deductible, ledger: Ledger, year: int
) -> None:
    """Take what is still due of a yearly deductible from the benefits, in line order."""
    for piece in pieces:
        due = deductible.amount - ledger.deducted(year, deductible.key)
        taken = min(due, piece.benefit)
        if taken > 0:
            ledger.add_deducted(year, deductible.key, taken)
            piece.benefit -= taken
            piece.reasons.append(
                f"'{deductible.label}': {deductible.benefit} ({year}): {eur(taken)} deducted; "
                f"benefit {eur(piece.benefit)}"
            )


def cap_yearly(piece: Piece, limits: list[tuple[str, Decimal, str]], ledger: Ledger) -> None:
    """The yearly money caps that apply to a line; each records what is paid against it."""
    for key, limit, label in limits:
        used = ledger.paid(piece.year, key)
        piece.reduce_to(
            min(piece.benefit, limit - used), f"{label} ({eur(used)} already paid in {piece.year})"
        )
    for key, _, _ in limits:
        ledger.add_paid(piece.year, key, piece.benefit)
