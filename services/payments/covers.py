"""The Neutra insurances persons hold, as payments learns them from the dossier's events, to
decide hospital claims on the cover of the day of care (PAY-5). `Covers` is the adapter over
this table: the claim handler asks its unit of work for it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, MetaData, String, Table, and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import EventEnvelope, events
from shared.contracts.insurance import InsuranceEnded, InsuranceSubscribed
from shared.eventstore import UnitOfWork
from shared.insurance.cover import Subscription

metadata = MetaData()

covers = Table(
    "member_covers",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("starts_on", Date, primary_key=True),
    Column("product", String(16), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("earlier_level", String(16)),
    Column("earlier_starts_on", Date),
    Column("earlier_ends_on", Date),
)


async def apply_dossier_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type not in (InsuranceSubscribed.type_name, InsuranceEnded.type_name):
        return
    known = uow.view(Covers)
    match events.decode(envelope):
        case InsuranceSubscribed() as subscribed:
            await known.insure(subscribed)
        case InsuranceEnded(person_id=person_id, last_day=last_day):
            await known.end(person_id, last_day)


class Covers:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insure(self, subscribed: InsuranceSubscribed) -> None:
        key = and_(
            covers.c.person_id == subscribed.person_id,
            covers.c.starts_on == subscribed.starts_on,
        )
        await self.conn.execute(delete(covers).where(key))  # a replay writes it again
        earlier = subscribed.earlier_cover
        await self.conn.execute(
            insert(covers).values(
                person_id=subscribed.person_id,
                starts_on=subscribed.starts_on,
                product=subscribed.product.value,
                received_on=subscribed.received_on,
                earlier_level=earlier and earlier.level.value,
                earlier_starts_on=earlier and earlier.starts_on,
                earlier_ends_on=earlier and earlier.ends_on,
            )
        )

    async def end(self, person_id: str, last_day: date) -> None:
        await self.conn.execute(
            update(covers)
            .where(covers.c.person_id == person_id, covers.c.ends_on.is_(None))
            .values(ends_on=last_day)
        )

    async def on(self, person_id: str, day: date) -> Subscription | None:
        """The person's insurance covering `day`, if any."""
        row = covers.c
        found = await self.conn.execute(
            select(covers).where(
                row.person_id == person_id,
                row.starts_on <= day,
                row.ends_on.is_(None) | (row.ends_on >= day),
            )
        )
        cover = found.first()
        if cover is None:
            return None
        return Subscription.from_row(cover._mapping)
