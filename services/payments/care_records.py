"""What payments keeps of the care certificates it recorded, in the transaction of the command
that recorded them: their ids (a second import finds them), the years each person had dental
care reimbursed (DOS-9), each person's legal co-payments per year, and each household's: the
counter of its maximum bill (DOS-6). Each is what the batches' events add up to, kept as they
are appended."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.eventstore.database import insert_on_conflict, insert_rows, one_of

metadata = MetaData()

# Every certificate recorded, reimbursed or not refused: a second import finds it here.
certificates = Table(
    "certificates",
    metadata,
    Column("certificate_id", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("batch_id", String(128), nullable=False),
)

# The years a person had reimbursed dental care: whether they are "regular" (DOS-9).
dental_years = Table(
    "dental_years",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
)

# Each person's legal co-payments per calendar year: two years at or above the thresholds give
# their household the chronic-illness reduction of the maximum bill (DOS-6).
co_payment_years = Table(
    "co_payment_years",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("total", Numeric(12, 2), nullable=False),
)


# Each household's legal co-payments per year of care: its maximum bill's counter (DOS-6),
# the sum of what the batches counted for it (CoPaymentsCounted).
household_co_payments = Table(
    "household_co_payments",
    metadata,
    Column("booklet_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("total", Numeric(12, 2), nullable=False),
)

HouseholdYearKey = tuple[str, int]  # (booklet, year)


class Certificates:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def recorded(self, ids: set[str]) -> set[str]:
        query = select(certificates.c.certificate_id).where(
            one_of(self.conn, certificates.c.certificate_id, ids)
        )
        return set(await self.conn.scalars(query))

    async def record(self, rows: list[dict]) -> None:
        if rows:
            await self.conn.execute(*insert_rows(self.conn, insert(certificates), rows))

    async def of_person(self, person_id: str) -> dict[str, set[str]]:
        """The person's certificates recorded, by the batch whose stream holds them."""
        query = select(certificates.c.batch_id, certificates.c.certificate_id).where(
            certificates.c.person_id == person_id
        )
        batches: dict[str, set[str]] = defaultdict(set)
        for batch_id, certificate_id in await self.conn.execute(query):
            batches[batch_id].add(certificate_id)
        return dict(batches)

    async def forget_care_years(self, person_id: str) -> None:
        """Erased: the years they went to the dentist and what they paid each year (health)
        go with their care."""
        for table in (dental_years, co_payment_years):
            await self.conn.execute(delete(table).where(table.c.person_id == person_id))

    async def co_payments(
        self, person_ids: set[str], years: set[int]
    ) -> dict[tuple[str, int], Decimal]:
        """(person, year) → the legal co-payments counted that year, where there were any."""
        query = select(co_payment_years).where(
            one_of(self.conn, co_payment_years.c.person_id, person_ids),
            one_of(self.conn, co_payment_years.c.year, years),
        )
        return {(row.person_id, row.year): row.total for row in await self.conn.execute(query)}

    async def paid(self, co_payments: dict[tuple[str, int], Decimal]) -> None:
        """Adds a batch's co-payments to each person's year, in one statement."""
        if not co_payments:
            return
        statement = insert_on_conflict(self.conn)(co_payment_years)
        added = statement.on_conflict_do_update(
            index_elements=[co_payment_years.c.person_id, co_payment_years.c.year],
            set_={"total": co_payment_years.c.total + statement.excluded.total},
        )
        rows = [
            {"person_id": person_id, "year": year, "total": amount}
            for (person_id, year), amount in sorted(co_payments.items())
        ]
        await self.conn.execute(*insert_rows(self.conn, added, rows))

    async def count_households(
        self, co_payments: dict[HouseholdYearKey, Decimal]
    ) -> dict[HouseholdYearKey, Decimal]:
        """Adds a batch's co-payments to each household's year and answers each counter after
        them, in one statement. The row stays locked to the end of the transaction, so a
        household counted by two commands at once is counted by one, then the other."""
        if not co_payments:
            return {}
        statement = insert_on_conflict(self.conn)(household_co_payments)
        table = household_co_payments.c
        counted = await self.conn.execute(
            statement.on_conflict_do_update(
                index_elements=[table.booklet_id, table.year],
                set_={"total": table.total + statement.excluded.total},
            ).returning(table.booklet_id, table.year, table.total),
            [
                {"booklet_id": booklet_id, "year": year, "total": amount}
                for (booklet_id, year), amount in sorted(co_payments.items())
            ],
        )
        return {(row.booklet_id, row.year): row.total for row in counted}

    async def household_totals(
        self, keys: Iterable[HouseholdYearKey]
    ) -> dict[HouseholdYearKey, Decimal]:
        """(booklet, year) → the household's co-payments counted that year, where any were."""
        keys = set(keys)
        if not keys:
            return {}
        table = household_co_payments.c
        query = select(household_co_payments).where(
            one_of(self.conn, table.booklet_id, {b for b, _ in keys}),
            one_of(self.conn, table.year, {y for _, y in keys}),
        )
        rows = await self.conn.execute(query)
        return {(r.booklet_id, r.year): r.total for r in rows if (r.booklet_id, r.year) in keys}

    async def dental_years(self, person_ids: set[str]) -> set[tuple[str, int]]:
        query = select(dental_years).where(one_of(self.conn, dental_years.c.person_id, person_ids))
        return {(row.person_id, row.year) for row in await self.conn.execute(query)}

    async def visited_dentist(self, visits: set[tuple[str, int]]) -> None:
        if visits:
            rows = [{"person_id": p, "year": y} for p, y in sorted(visits)]
            await self.conn.execute(*insert_rows(self.conn, insert(dental_years), rows))
