"""PAY-5, the README's walk-through: the demo's hospital invoice (`mutualis demo
hospital-claim`) is a claim payments takes, and on Neutra Confort after the waiting period each
of its lines gets a benefit computed from the product sheet with its reasons."""

from __future__ import annotations

from datetime import date

from mutualis import demo
from services.payments.domain.hospital import care as domain
from services.payments.domain.hospital.claims import decide_claim
from services.payments.hospital_claims import _care, _line
from shared.contracts.hospital import FileHospitalClaim
from shared.contracts.insurance import Product

ELS = demo.national_register_number(date(1985, 7, 30), 33)


def test_pay5_the_demo_hospital_claim_is_paid_line_by_line_on_neutra_confort():
    command = FileHospitalClaim.model_validate(demo.hospital_claim(ELS, date(2027, 7, 10)))
    claim = domain.Claim(
        product=Product.CONFORT,
        filed_on=command.filed_on,
        care=_care(command.care),
        lines=tuple(_line(line) for line in command.lines),
        country=command.country,
        causes=frozenset(),
    )

    decision = decide_claim(claim, {})

    assert command.care.discharged == date(2027, 7, 9) and command.accident_on is None
    assert decision.refusal is None and decision.benefit > 0
    assert [line.kind.value for line in decision.lines] == [
        "room",
        "fees",
        "pharmacy_ziv",
        "pharmacy_non_ziv",
    ]
    assert all(line.reasons for line in decision.lines)
    assert sum(line.benefit for line in decision.lines) == decision.benefit
