"""The streams money moves in: a payment, once (PAY-6), and a day's payment run.

A payment's id derives from its run part and its payee (payment_run.payment_id), so its stream
is new by construction: it is appended at version 0 without being read, and a second attempt
to make the same payment (a replica, a timer fired again after a crash) conflicts instead of
paying twice."""

from __future__ import annotations

from dataclasses import dataclass

from shared.aggregate import Aggregate
from shared.contracts import Event
from shared.contracts.payments import (
    CertificatesDecided,
    CoPaymentsCounted,
    PaymentHeld,
    PaymentMade,
    PaymentRunCompleted,
    ProviderPaid,
)


@dataclass
class Payment(Aggregate):
    payment_id: str

    @classmethod
    def stream(cls, payment_id: str) -> str:
        return f"payment-{payment_id}"

    @classmethod
    def new(cls, payment_id: str) -> Payment:
        return cls.rebuild(payment_id)

    def make(self, event: PaymentMade | ProviderPaid) -> None:
        if not self.is_new:
            raise ValueError(f"payment {self.payment_id} is made already")
        self.record(event)

    def apply(self, event: Event) -> None:
        pass  # made: its one event is its state


@dataclass
class PaymentRun(Aggregate):
    """A day's run, in parts: what each part paid and what waits."""

    run_id: str

    @classmethod
    def stream(cls, run_id: str) -> str:
        return f"payment-run-{run_id}"

    def hold(self, event: PaymentHeld) -> None:
        self.record(event)

    def complete(self, event: PaymentRunCompleted) -> None:
        self.record(event)

    def apply(self, event: Event) -> None:
        pass


@dataclass
class CertificateBatch(Aggregate):
    """The certificates of one import batch (or one handed in at the desk), decided together:
    a new stream, appended at once."""

    batch_id: str

    @classmethod
    def stream(cls, batch_id: str) -> str:
        return f"certificates-{batch_id}"

    def decide(self, decided: CertificatesDecided) -> None:
        self.record(decided)

    def count(self, counted: CoPaymentsCounted) -> None:
        self.record(counted)

    def apply(self, event: Event) -> None:
        pass
