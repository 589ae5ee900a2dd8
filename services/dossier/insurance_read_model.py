"""The read model of the Neutra insurances persons hold (DOS-8): one row per subscription, with
its start, its end once it ends, and the earlier cover it continues; and the adapter that
reads them by person. The waiting periods are computed when read, on the service's clock."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Date, MetaData, String, Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope
from shared.contracts.dossier import PersonErased
from shared.contracts.insurance import InsuranceEnded, InsuranceSubscribed

metadata = MetaData()

insurances = Table(
    "insurances",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("starts_on", Date, primary_key=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("product", String(16), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("earlier_level", String(16)),
    Column("earlier_starts_on", Date),
    Column("earlier_ends_on", Date),
)


class InsurancesProjection:
    name = "insurances"
    tables = (insurances,)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        row = insurances.c
        match event:
            case InsuranceSubscribed(earlier_cover=earlier):
                values = event.model_dump(include={"person_id", "starts_on", "booklet_id"}) | {
                    "product": event.product.value,
                    "received_on": event.received_on,
                    "earlier_level": earlier and earlier.level.value,
                    "earlier_starts_on": earlier and earlier.starts_on,
                    "earlier_ends_on": earlier and earlier.ends_on,
                }
                await conn.execute(insert(insurances), values)
            case InsuranceEnded(person_id=person_id, product=product, last_day=last_day):
                await conn.execute(
                    update(insurances)
                    .where(
                        row.person_id == person_id,
                        row.product == product.value,
                        row.ends_on.is_(None),
                    )
                    .values(ends_on=last_day)
                )
            case PersonErased(person_id=person_id):
                await conn.execute(delete(insurances).where(row.person_id == person_id))


class Insurances:
    """The Neutra insurances of persons, from this read model. A read-model adapter: a route
    builds it on its connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of(self, person_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Each person's subscriptions, by person id, the latest start first."""
        row = insurances.c
        rows = await self.conn.execute(
            select(insurances)
            .where(row.person_id.in_(list(person_ids)))
            .order_by(row.starts_on.desc())
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for subscription in rows:
            found.setdefault(subscription.person_id, []).append(subscription._asdict())
        return found
