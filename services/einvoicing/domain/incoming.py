"""A credit of the fund's account (INV-8), recorded once whatever imports it again: the bank's
entry id is its stream, so a second import of a statement finds it and pays nothing twice."""

from __future__ import annotations

from dataclasses import dataclass

from shared.aggregate import Aggregate
from shared.contracts.einvoicing import IncomingPaymentRecorded


@dataclass
class IncomingPayment(Aggregate):
    entry_id: str

    @classmethod
    def stream(cls, entry_id: str) -> str:
        return f"incoming-{entry_id}"

    def recorded(self, event: IncomingPaymentRecorded) -> None:
        if not self.is_new:
            raise ValueError(f"credit {self.entry_id} is recorded already")
        self.record(event)

    def apply(self, event: IncomingPaymentRecorded) -> None:
        pass  # that it exists is its state
