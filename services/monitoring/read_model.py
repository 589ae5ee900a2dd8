"""What monitoring keeps: how many events of each type each service produced."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, String, Table, insert, update

from shared.contracts import EventEnvelope
from shared.eventstore import UnitOfWork
from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

event_counts = Table(
    "event_counts",
    metadata,
    Column("producer", String(64), primary_key=True),
    Column("type", String(200), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("last_occurred_at", UtcDateTime, nullable=False),
)


async def count_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    key = (event_counts.c.producer == envelope.producer) & (event_counts.c.type == envelope.type)
    result = await uow.conn.execute(
        update(event_counts)
        .where(key)
        .values(count=event_counts.c.count + 1, last_occurred_at=envelope.occurred_at)
    )
    if result.rowcount == 0:
        await uow.conn.execute(
            insert(event_counts).values(
                producer=envelope.producer,
                type=envelope.type,
                count=1,
                last_occurred_at=envelope.occurred_at,
            )
        )
