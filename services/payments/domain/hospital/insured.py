"""A person's hospital claims (PAY-5) as one stream: each claim is decided once, and the use
of each calendar year's limits (nights, deductibles, yearly maxima) the decisions leave is
what the next claim continues from."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.payments.domain.hospital.usage import YearUsage
from shared.aggregate import Aggregate
from shared.contracts.hospital import HospitalClaimDecided
from shared.refusal import Refused


@dataclass
class InsuredClaims(Aggregate):
    person_id: str
    decided: set[str] = field(default_factory=set)
    usage: dict[int, YearUsage] = field(default_factory=dict)

    @classmethod
    def stream(cls, person_id: str) -> str:
        return f"hospital-claims-{person_id}"

    def decide(self, decided: HospitalClaimDecided) -> None:
        if decided.claim_id in self.decided:
            raise Refused(f"claim {decided.claim_id!r} is decided already")
        self.record(decided)

    def apply(self, event: HospitalClaimDecided) -> None:
        self.decided.add(event.claim_id)
        for year, used in event.usage.items():
            self.usage[int(year)] = YearUsage(**used)


def usage_of(usage: dict[int, YearUsage]) -> dict[int, dict[str, dict[str, str]]]:
    """The usage as an event carries it: amounts as strings, counts as their digits."""
    return {
        year: {
            "paid": {k: str(v) for k, v in used.paid.items()},
            "counts": {k: str(v) for k, v in used.counts.items()},
            "deducted": {k: str(v) for k, v in used.deducted.items()},
        }
        for year, used in usage.items()
    }


def claim_item_id(person_id: str, claim_id: str) -> str:
    """The payable item of a claim's benefit: a claim's id is unique for its person only."""
    return f"hospital:{person_id}:{claim_id}"
