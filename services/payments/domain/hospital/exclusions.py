"""What a hospitalisation insurance refuses outright (PAY-5), with the sheet's own words: the
exclusions, territoriality, care a product does not cover, the serious-illness list, dental
countries (a whole claim); the 3-year prescription, the pre/post window, services not
reimbursed by the ZIV (Neutra+ and Confort) and transport without a medical reason (a line)."""

from __future__ import annotations

from services.payments.domain.hospital.calculation import Piece
from services.payments.domain.hospital.calendar import is_prescribed, window
from services.payments.domain.hospital.care import (
    BELGIUM,
    AroundStay,
    Cause,
    Claim,
    DentalCare,
    PsychiatricStay,
    SeriousIllnessCare,
)
from services.payments.domain.hospital.products import LineKind, ProductTable

NEIGHBOURS = frozenset({"DE", "FR", "LU", "NL"})
NON_ZIV_PROVISIONS = frozenset(
    {
        LineKind.FEES,
        LineKind.PROSTHESIS,
        LineKind.MATERIAL_PURCHASE,
        LineKind.DENTAL_PREVENTIVE,
        LineKind.DENTAL_PROSTHESIS,
        LineKind.OTHER,
    }
)
"""Services refused for Neutra+ and Confort when the ZIV does not reimburse them; rows that name
non-ZIV costs themselves (pharmacy, rental, room, transport, crowns, implants) pay as they say."""


def claim_refusal(claim: Claim, table: ProductTable) -> str | None:
    """Why the whole claim is refused, or None."""
    care = claim.care
    causes = set(claim.causes)
    if isinstance(care, PsychiatricStay):
        causes.add(Cause.PSYCHIATRIC)
    for cause in Cause:
        if cause in causes and cause.value in table.exclusions:
            return f"excluded ({cause.value}): '{table.exclusions[cause.value]}'"
    if table.countries is not None and claim.country not in table.countries:
        return f"care in {claim.country}: '{table.territory_label}'"
    kind = {SeriousIllnessCare: "serious_illness", DentalCare: "dental"}.get(type(care))
    if kind is not None and kind in table.not_covered:
        return f"{table.name} does not cover this care: '{table.not_covered[kind]}'"
    if isinstance(care, SeriousIllnessCare) and not table.is_serious_illness(care.disease):
        return (
            f"'{care.disease}' is not a serious illness of the sheet "
            "('Onder ernstige ziekte verstaat men: kanker, leukemie, ...')"
        )
    if isinstance(care, DentalCare) and claim.country not in NEIGHBOURS | {BELGIUM}:
        return (
            f"dental care in {claim.country}: the sheet covers dental care in Belgium, "
            "Germany, France, Luxembourg and the Netherlands"
        )
    return None


def check_line(piece: Piece, claim: Claim, table: ProductTable) -> None:
    """Refuse a line (or its part of a year) that the sheet does not pay."""
    line = claim.lines[piece.index]
    if is_prescribed(piece.on, claim.filed_on, table.prescription_years):
        piece.refuse(
            f"prescribed: care of {piece.on.isoformat()} filed on {claim.filed_on.isoformat()}, "
            f"more than {table.prescription_years} years later: '{table.prescription_label}'"
        )
        return
    if isinstance(claim.care, AroundStay) and table.window is not None:
        stay = claim.care.stay
        first, last = window(stay.admitted, stay.discharged, *table.window)
        if not first <= piece.on <= last:
            piece.refuse(
                f"care of {piece.on.isoformat()} is outside {first.isoformat()} to "
                f"{last.isoformat()}: '{table.window_label}'"
            )
            return
    if table.non_ziv_exclusion and not line.ziv_reimbursed and line.kind in NON_ZIV_PROVISIONS:
        piece.refuse(f"excluded, not reimbursed by the ZIV: '{table.non_ziv_exclusion}'")
    elif line.kind in (LineKind.AMBULANCE, LineKind.HELICOPTER) and not line.medical_reason:
        piece.refuse("'Ambulance- en helikopterkosten (indien medische reden)': no medical reason")
