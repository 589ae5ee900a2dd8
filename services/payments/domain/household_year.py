"""The maximum bill (MAF) of one household for one calendar year (DOS-6, PAY-4): its ceiling
and what was refunded, decided on its counter of legal co-payments. The counter itself moves
with every import batch that has the household's care in it: it is counted per batch
(CoPaymentsCounted on the batch's stream) and kept beside the books, in the transaction that
counts it (services.payments.care_records), and handed to each decision here.

Once the counter passes the ceiling, every further co-payment of the household that year is
refunded in full, the one that crosses it for the part above. A ceiling that changes later (the
income bracket known, VT, a chronic illness recognised) moves what is due: a lower one frees
co-payments counted before, refunded at once to the holder; a higher one leaves refunds paid
above what is now due, recorded for a handler and never taken back by itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from services.payments.domain.maf import Ceiling, overpaid, refund_due
from shared.aggregate import Aggregate
from shared.contracts import Event
from shared.contracts.payments import (
    ChronicIllnessRecognized,
    MafCeilingSet,
    MafOverpaid,
    MafRefundDue,
)

ZERO = Decimal("0.00")


def refund_id(booklet_id: str, year: int, sequence: str) -> str:
    """A refund of the household's maximum bill of `year`: its certificate, or its place."""
    return f"maf:{booklet_id}:{year}:{sequence}"


def year_of_refund(booklet_id: str, refund: str) -> int | None:
    """The year of the maximum bill a refund id of the booklet names (`refund_id`)."""
    rest = refund.removeprefix(f"maf:{booklet_id}:")
    year = rest.partition(":")[0]
    return int(year) if rest != refund and year.isdigit() else None


@dataclass(frozen=True)
class CoPayment:
    certificate_id: str
    person_id: str
    amount: Decimal


@dataclass
class HouseholdYear(Aggregate):
    booklet_id: str
    year: int
    refunded: Decimal = ZERO
    overpaid_recorded: Decimal = ZERO
    ceiling: Ceiling | None = None
    # Persons recognised as chronically ill this year (their household's ceiling is lower).
    chronically_ill: set[str] = field(default_factory=set)

    # Above its ceiling a household's year grows by a refund per certificate: kept at every
    # save, so the next batch reads it as one row instead of replaying its events since.
    snapshot_every: ClassVar[int] = 1
    snapshot_schema: ClassVar[int] = 2

    @classmethod
    def stream(cls, booklet_id: str, year: int) -> str:
        return f"maf-{booklet_id}-{year}"

    @property
    def bracket(self) -> int | None:
        return self.ceiling.bracket if self.ceiling else None

    def recognize_chronic_illness(self, person_id: str) -> None:
        if person_id not in self.chronically_ill:
            self.record(
                ChronicIllnessRecognized(
                    person_id=person_id, booklet_id=self.booklet_id, year=self.year
                )
            )

    def count(self, counted: Decimal, co_payments: list[CoPayment]) -> None:
        """The household's counter reached `counted` with `co_payments`, the last counted:
        each one above the ceiling is refunded to the person it was for, the one that crosses
        it for the part above."""
        if self.ceiling is None:
            return
        counter = counted - sum((c.amount for c in co_payments), ZERO)
        refunded = self.refunded
        for co_payment in co_payments:
            counter += co_payment.amount
            due = refund_due(counter, self.ceiling.amount, refunded)
            if due:
                refunded += due
                self.record(self._refund(co_payment.person_id, co_payment.certificate_id, due))

    def set_ceiling(self, ceiling: Ceiling | None, holder: str, counted: Decimal) -> None:
        """The ceiling as the household's bracket, VT and chronic illness now set it, with
        `counted` co-payments counted so far."""
        if ceiling == self.ceiling:
            return
        if ceiling is not None:
            self.record(
                MafCeilingSet(
                    booklet_id=self.booklet_id,
                    year=self.year,
                    bracket=ceiling.bracket,
                    social=ceiling.social,
                    chronic_reduction=ceiling.chronic_reduction,
                    ceiling=ceiling.amount,
                    provisional=ceiling.provisional,
                    source=ceiling.source,
                )
            )
        limit = ceiling.amount if ceiling else None
        if due := refund_due(counted, limit, self.refunded):
            self.record(self._refund(holder, None, due))
        excess = overpaid(counted, limit, self.refunded) - self.overpaid_recorded
        if excess > 0:
            self.record(MafOverpaid(booklet_id=self.booklet_id, year=self.year, amount=excess))

    def _refund(self, person_id: str, certificate_id: str | None, amount: Decimal) -> Event:
        # A catch-up refund is named by its place in the stream: one per ceiling change.
        sequence = certificate_id or f"ceiling-{self.version + len(self.pending)}"
        return MafRefundDue(
            refund_id=refund_id(self.booklet_id, self.year, sequence),
            booklet_id=self.booklet_id,
            year=self.year,
            person_id=person_id,
            certificate_id=certificate_id,
            amount=amount,
        )

    def apply(self, event: Event) -> None:
        match event:
            case MafCeilingSet() as ceiling:
                self.ceiling = Ceiling(
                    year=ceiling.year,
                    amount=ceiling.ceiling,
                    bracket=ceiling.bracket,
                    social=ceiling.social,
                    chronic_reduction=ceiling.chronic_reduction,
                    provisional=ceiling.provisional,
                    source=ceiling.source,
                )
            case MafRefundDue(amount=amount):
                self.refunded += amount
            case ChronicIllnessRecognized(person_id=person_id):
                self.chronically_ill.add(person_id)
            case MafOverpaid(amount=amount):
                self.overpaid_recorded += amount
