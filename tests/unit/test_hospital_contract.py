"""PAY-5: a claim's contract names exactly the kinds of cost and the causes the calculator
knows, so a claim filed over Kafka is never refused for a word the sheet's rows use."""

from typing import get_args

from services.payments.domain.hospital.care import Cause
from services.payments.domain.hospital.products import LineKind
from shared.contracts import hospital


def test_pay5_the_contract_and_the_calculator_name_the_same_kinds_and_causes():
    assert set(get_args(hospital.LineKind)) == {kind.value for kind in LineKind}
    assert set(get_args(hospital.Cause)) == {cause.value for cause in Cause}
