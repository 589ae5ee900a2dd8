"""`mutualis einvoicing import-statement FILE`: the fund's bank statement (camt.053) read here
and its credits sent to einvoicing in batches, as the logged-in member of staff; each credit
matched to its invoice or left for a handler with the reason (INV-8). Importing the same file
twice changes nothing: the service knows each credit by the bank's entry id.

What cannot be read here (not a statement, an entry in another currency, a reversal) is
reported with its position and never sent."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mutualis.staff import Sender, send_command
from services.einvoicing.domain.bank_statement import Credit, read_camt053_statements
from shared.clock import Clock
from shared.settings import KafkaSettings

SERVICE = "einvoicing"
# Credits per command: one transaction in the service (RecordIncomingPayments takes 200).
BATCH = 200


@dataclass
class Report:
    credits: int = 0
    outcomes: Counter = field(default_factory=Counter)  # paid, partly_paid, ..., unmatched
    recorded_before: int = 0
    # (statement, entry id or position, reason) of what a handler must look at
    to_handle: list[tuple[str, str, str]] = field(default_factory=list)
    not_read: list[tuple[str, int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "credits": self.credits,
            "outcomes": dict(self.outcomes),
            "recorded_before": self.recorded_before,
            "to_handle": [
                {"statement": s, "entry_id": e, "reason": r} for s, e, r in self.to_handle
            ],
            "not_read": [{"statement": s, "position": p, "reason": r} for s, p, r in self.not_read],
        }


async def import_statement(
    kafka: KafkaSettings, file: Path, sender: Sender, clock: Clock, timeout: float = 120.0
) -> Report:
    """Raises MalformedStatement for a file that is no statement."""
    report = Report()
    for statement in read_camt053_statements(file.read_bytes()):
        report.not_read += [(statement.id, r.position, r.reason) for r in statement.rejected]
        credits = list(statement.credits)
        for start in range(0, len(credits), BATCH):
            batch = credits[start : start + BATCH]
            payload = {"statement_id": statement.id, "credits": [_json(c) for c in batch]}
            outcome = await send_command(
                kafka, SERVICE, "RecordIncomingPayments", payload, sender, timeout, clock
            )
            report.credits += len(batch)
            if outcome.status == "rejected":
                reason = f"{len(batch)} credits rejected: {outcome.reason}"
                report.to_handle.append((statement.id, "", reason))
                continue
            recorded = [e.payload for e in outcome.events if e.type == "IncomingPaymentRecorded"]
            report.recorded_before += len(batch) - len(recorded)
            for event in recorded:
                report.outcomes[event["outcome"]] += 1
                if event["outcome"] in ("unmatched", "overpaid", "already_paid"):
                    report.to_handle.append((statement.id, event["entry_id"], event["reason"]))
    return report


def _json(credit: Credit) -> dict[str, Any]:
    return {
        "entry_id": credit.entry_id,
        "booked_on": credit.booking_date.isoformat(),
        "amount": str(credit.amount),
        "payer_name": credit.payer_name,
        "payer_iban": credit.payer_iban,
        "communication": str(credit.communication) if credit.communication else None,
        "remittance": credit.remittance_text,
        "remarks": list(credit.remarks),
    }
