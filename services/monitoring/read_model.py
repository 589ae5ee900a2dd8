"""What monitoring keeps: how many events of each type each service produced."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, String, Table

from shared.contracts import EventEnvelope
from shared.eventstore import UnitOfWork
from shared.eventstore.database import insert_on_conflict
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
    # One statement, so two instances counting the first event of a type cannot collide.
    dialect_insert = insert_on_conflict(uow.conn)
    statement = dialect_insert(event_counts).values(
        producer=envelope.producer,
        type=envelope.type,
        count=1,
        last_occurred_at=envelope.occurred_at,
    )
    await uow.conn.execute(
        statement.on_conflict_do_update(
            index_elements=[event_counts.c.producer, event_counts.c.type],
            set_={
                "count": event_counts.c.count + 1,
                "last_occurred_at": statement.excluded.last_occurred_at,
            },
        )
    )
