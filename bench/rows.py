"""The rows every contender writes: the same events, stream ids, versions and payload bytes.

A bench-only event type is registered here, and only here (importing the bench registers it)."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import groupby
from typing import Annotated

from shared.clock import SystemClock
from shared.contracts import Event, events
from shared.eventstore import EventStore, PendingEvent, unit_of_work
from shared.keys import KEY_BYTES, LocalKek
from shared.privacy.marking import Personal

PRODUCER = "bench"
# Wraps the data keys of the personal fields the benchmarked events carry (shared.privacy).
BENCH_KEY = os.urandom(KEY_BYTES)
BENCH_KEK = LocalKek([BENCH_KEY])
OCCURRED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
STREAM_LENGTH = 100  # events per stream; a 100-event transaction fills one stream


@events.register
class BenchEventRecorded(Event):
    type_name = "BenchEventRecorded"

    member_number: str
    amount_cents: int
    currency: str
    note: str


@events.register
class BenchClaimRecorded(Event):
    """The same figures as BenchEventRecorded, with what would be personal data in a real
    reimbursement marked as such: sealed per person (shared.privacy)."""

    type_name = "BenchClaimRecorded"

    person_id: str
    member_number: Annotated[str, Personal("identification")]
    amount_cents: int
    currency: str
    note: Annotated[str, Personal("health")]


@dataclass(frozen=True)
class Row:
    """One event as every contender stores it."""

    event_id: str
    stream_id: str
    stream_version: int
    event: Event

    @property
    def originator_id(self) -> uuid.UUID:  # eventsourcing wants UUID stream ids
        return uuid.uuid5(uuid.NAMESPACE_URL, self.stream_id)

    @property
    def payload_json(self) -> str:
        return self.event.model_dump_json()

    def raw_values(self) -> tuple:
        """The columns of our events table, for the plain-table baseline."""
        return (
            self.event_id,
            self.stream_id,
            self.stream_version,
            self.event.type_name,
            self.event.version,
            OCCURRED_AT,
            self.event_id,  # correlation id
            None,  # causation id
            PRODUCER,
            self.payload_json,
        )


def bench_event(n: int) -> BenchEventRecorded:
    return BenchEventRecorded(
        member_number=f"{n % 1_000_000:011d}",
        amount_cents=1000 + n % 9000,
        currency="EUR",
        note=(
            f"Terugbetaling raadpleging {n}: huisarts, verstrekkingscode 101076, "
            "derdebetalersregeling toegepast, remgeld ten laste van het lid, "
            "attest ontvangen via eHealth, geen supplementen aangerekend."
        ),
    )


def bench_claim(n: int, person_id: str) -> BenchClaimRecorded:
    plain = bench_event(n).model_dump()
    return BenchClaimRecorded(person_id=person_id, **plain)


Transaction = list[Row]  # the events of one transaction, all in one stream


def transactions(
    prefix: str, count: int, per_transaction: int, personal: bool = False
) -> list[Transaction]:
    """`count` transactions of `per_transaction` events; streams of STREAM_LENGTH events, one
    person's each when `personal`."""
    result: list[Transaction] = []
    n = 0
    for _ in range(count):
        txn = []
        for _ in range(per_transaction):
            stream = f"{prefix}-{n // STREAM_LENGTH}"
            event = bench_claim(n, stream) if personal else bench_event(n)
            txn.append(Row(str(uuid.uuid4()), stream, n % STREAM_LENGTH + 1, event))
            n += 1
        result.append(txn)
    return result


async def fill(store: EventStore, rows: list[Row], per_transaction: int = 500) -> None:
    """Untimed set-up: appends `rows` (consecutive rows of a stream together) through our store."""
    clock = SystemClock()
    for start in range(0, len(rows), per_transaction):
        chunk = rows[start : start + per_transaction]
        async with unit_of_work(store, clock) as uow:
            for _, group in groupby(chunk, key=lambda r: r.stream_id):
                group = list(group)
                await uow.append(
                    group[0].stream_id,
                    group[0].stream_version - 1,
                    [PendingEvent(r.event, r.event_id) for r in group],
                    correlation_id=group[0].event_id,
                )
            await uow.commit()


def payload_size() -> int:
    return len(json.dumps(bench_event(123456).model_dump()).encode())
