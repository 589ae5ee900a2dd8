"""`mutualis payments import FILE`: an electronic batch of care certificates (CSV with a
header, or JSON Lines: one certificate object per line) sent to payments in batches, as the
logged-in staff member, several batches in flight; each line reimbursed or refused with its
reason, reported by line number.

The file is read as it is sent, never whole: memory stays flat whatever its size. A line that
is no certificate (a field missing, a national register number or RIZIV number that fails its
check) is refused here, before anything is sent; the service refuses what only it can judge
(an unknown person or code, a date outside the claim period). Importing the same file twice
changes nothing: the service knows each certificate by its id."""

from __future__ import annotations

import asyncio
import csv
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import ValidationError

from mutualis.recipients import recipient_key
from mutualis.staff import Sender
from shared.clock import Clock
from shared.contracts import CommandOutcome
from shared.contracts.envelope import CONTENT_TYPE
from shared.contracts.payments import BATCH_SIZE, CareCertificate, ImportCareCertificates
from shared.messaging.security import client_options
from shared.messaging.topics import commands_topic, outcomes_topic
from shared.settings import KafkaSettings

# Certificates per command, as many as one may carry. Each command costs the service about
# the same whatever it carries (its proof checked, payload opened, message claimed, outcome
# sent, a projector and relay round): 500 took 27 % less CPU per certificate than 200
# (bench, 20,000 certificates); its outcome is 282 KiB.
BATCH = BATCH_SIZE
IN_FLIGHT = 8
SERVICE = "payments"


@dataclass
class Report:
    lines: int = 0
    reimbursed: int = 0
    already_recorded: int = 0
    # (line, certificate id or None, reason), in line order
    refused: list[tuple[int, str | None, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "reimbursed": self.reimbursed,
            "already_recorded": self.already_recorded,
            "refused": [
                {"line": line, "certificate_id": cid, "reason": reason}
                for line, cid, reason in sorted(self.refused)
            ],
        }


# The columns of a CSV file, in the order `write_csv` writes them (the reader takes any order).
CSV_FIELDS = [
    "certificate_id",
    "national_register_number",
    "care_date",
    "provider_riziv_number",
    "provider_name",
    "code",
    "fee_asked",
    "supplement",
    "third_party_payment",
    "provider_iban",
]


def write_csv(path: Path, lines: Iterable[dict[str, str]]) -> int:
    """Writes certificates as the import reads them, as they come (an iterator of any length);
    returns the file's size in bytes."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, CSV_FIELDS)
        writer.writeheader()
        writer.writerows(lines)
    return path.stat().st_size


def read_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, the line's fields) for each certificate of the file, or (line number, the
    reason it cannot be read). CSV line numbers count the header as line 1."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            for number, text in enumerate(file, start=1):
                if not text.strip():
                    continue
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as error:
                    yield number, f"not JSON: {error.msg}"
                    continue
                yield number, value if isinstance(value, dict) else "not a JSON object"
        else:
            reader = csv.DictReader(file)
            for row in reader:
                fields = {k: v for k, v in row.items() if k and v not in (None, "")}
                yield reader.line_num, fields


def parse(fields: dict[str, Any] | str) -> CareCertificate | str:
    """The certificate of a line's fields, or the reason it is none."""
    if isinstance(fields, str):
        return fields
    if isinstance(fields.get("third_party_payment"), str):
        fields = {
            **fields,
            "third_party_payment": fields["third_party_payment"].lower()
            in ("1", "true", "yes", "ja", "oui"),
        }
    try:
        return CareCertificate.model_validate(fields)
    except ValidationError as error:
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'line'}: {e['msg']}" for e in error.errors()
        )


async def import_file(
    kafka: KafkaSettings,
    path: Path,
    sender: Sender,
    clock: Clock,
    progress: Callable[[int], None] = lambda _lines: None,
    batch: int = BATCH,
    in_flight: int = IN_FLIGHT,
    timeout: float = 120.0,
) -> Report:
    """Sends the file's certificates; `progress` is told how many lines each answered batch
    held. Raises TimeoutError when the service stops answering for `timeout` seconds."""
    report = Report()
    key = await recipient_key(kafka, SERVICE, clock, timeout)
    topic, replies = commands_topic(kafka, SERVICE), outcomes_topic(kafka, SERVICE)
    import_id = uuid.uuid4().hex
    consumer = AIOKafkaConsumer(**client_options(kafka), enable_auto_commit=False)
    producer = AIOKafkaProducer(**client_options(kafka), acks="all", max_request_size=4 << 20)
    await consumer.start()
    await producer.start()
    pending: dict[str, tuple[int, int]] = {}  # command id → (lines, certificates) it holds
    slots = asyncio.Semaphore(in_flight)
    answered = asyncio.Event()
    try:
        partitions = [
            TopicPartition(replies, p) for p in consumer.partitions_for_topic(replies) or ()
        ]
        if not partitions:
            raise LookupError(f"no topic {replies!r}: is the payments service running?")
        consumer.assign(partitions)
        for tp, offset in (await consumer.end_offsets(partitions)).items():
            consumer.seek(tp, offset)

        async def collect() -> None:
            async for message in consumer:
                command_id = (message.key or b"").decode()
                if command_id not in pending:
                    continue
                lines, sent = pending.pop(command_id)
                outcome = CommandOutcome.model_validate_json(message.value)
                _account(report, outcome, sent)
                progress(lines)
                slots.release()
                answered.set()

        collector = asyncio.create_task(collect())

        async def send(certificates: list[dict], lines: int, number: int) -> None:
            await slots.acquire()
            command = ImportCareCertificates(
                batch_id=f"{import_id}-{number}", certificates=certificates
            )
            envelope = sender.envelope(
                topic, command.type_name, command.model_dump(mode="json"), clock, key
            )
            pending[envelope.command_id] = (lines, len(certificates))
            await producer.send_and_wait(
                topic,
                envelope.model_dump_json().encode(),
                key=envelope.command_id.encode(),
                headers=[
                    ("correlation_id", envelope.correlation_id.encode()),
                    ("content-type", CONTENT_TYPE.encode()),
                ],
            )

        certificates: list[dict] = []
        lines_in_batch = number = 0
        for line, fields in read_lines(path):
            report.lines += 1
            lines_in_batch += 1
            certificate = parse(fields)
            if isinstance(certificate, str):
                cid = fields.get("certificate_id") if isinstance(fields, dict) else None
                report.refused.append((line, cid, certificate))
            else:
                certificates.append(
                    {"line": line, "certificate": certificate.model_dump(mode="json")}
                )
            if len(certificates) == batch:
                number += 1
                await send(certificates, lines_in_batch, number)
                certificates, lines_in_batch = [], 0
        if certificates:
            number += 1
            await send(certificates, lines_in_batch, number)
        elif lines_in_batch:
            progress(lines_in_batch)
        while pending:
            answered.clear()
            try:
                await asyncio.wait_for(answered.wait(), timeout)
            except TimeoutError:
                raise TimeoutError(f"{len(pending)} batches unanswered after {timeout} s") from None
        collector.cancel()
    finally:
        await producer.stop()
        await consumer.stop()
    return report


def _account(report: Report, outcome: CommandOutcome, sent: int) -> None:
    if outcome.status == "rejected":
        # The whole batch, with the command's reason (line 0: no one line).
        report.refused.append((0, None, f"{sent} certificates rejected: {outcome.reason}"))
        return
    decided = 0
    for event in outcome.events:
        if event.type != "CertificatesDecided":
            continue
        payload = event.payload
        report.reimbursed += len(payload["reimbursed"])
        report.refused += [
            (r["line"], r["certificate_id"], r["reason"]) for r in payload["refused"]
        ]
        decided += len(payload["reimbursed"]) + len(payload["refused"])
    # What the service neither reimbursed nor refused it had recorded before.
    report.already_recorded += sent - decided
