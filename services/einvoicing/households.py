"""Who is invoiced, as einvoicing learns it from the dossier's and identity's events
(services/einvoicing/learning.py): the persons of each booklet (the household an invoice is
for), their birth date (the age band), name and address (the invoice's payer), the Neutra
insurance each holds, and whether the payer receives invoices electronically (INV-1: on when
their portal account is created).

`Households` is the adapter over einvoicing's own tables of them: the billing run asks its unit
of work for it, a route builds it on its connection."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.einvoicing.domain.billing import Cover, Insured
from shared.contracts.dossier import Address, Person
from shared.contracts.insurance import InsuranceSubscribed, Product
from shared.privacy.marking import opened

metadata = MetaData()

persons = Table(
    "invoiced_persons",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("role", String(16), nullable=False),  # holder | dependant
    Column("birth_date", Date, nullable=False),
    Column("language", String(2), nullable=False),
    Column("regional_fund", String(64)),
    # Null once the person is erased, or when this service may not open it.
    Column("name", String(201)),
    Column("street", String(120)),
    Column("postal_code", String(20)),
    Column("municipality", String(100)),
    Column("country", String(2)),
    Column("email", String(320)),
    Column("phone", String(20)),
)

# INV-1, INV-3: who receives invoices in the inbox rather than on paper, whether and where they
# are told (services/einvoicing/delivery.py keeps it). Apart from `invoiced_persons`: identity's
# event may come before the dossier's.
choices = Table(
    "einvoicing_choices",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("electronic", Boolean, nullable=False),
    Column("notify", Boolean, nullable=False),
    Column("channel", String(8), nullable=False),
    Column("email", String(320)),
    Column("phone", String(20)),
)

covers = Table(
    "invoiced_covers",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("starts_on", Date, primary_key=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("product", String(16), nullable=False),
    Column("ends_on", Date),
)


def name_of(person: Person) -> str | None:
    first, last = opened(person.first_name), opened(person.last_name)
    return f"{first} {last}" if first and last else None


def address_of(address: Address | None) -> dict[str, str | None]:
    if address is None or opened(address.street) is None:
        return {}
    number = " ".join(part for part in (opened(address.house_number), opened(address.box)) if part)
    return {
        "street": f"{address.street} {number}".strip(),
        "postal_code": opened(address.postal_code),
        "municipality": opened(address.municipality),
        "country": address.country,
    }


class Households:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def admit(self, booklet_id: str, person_id: str, role: str, person: Person) -> None:
        if await self.conn.scalar(
            select(persons.c.person_id).where(persons.c.person_id == person_id)
        ):
            return  # a redelivered enrolment
        await self.conn.execute(
            insert(persons),
            {
                "person_id": person_id,
                "booklet_id": booklet_id,
                "role": role,
                "birth_date": person.birth_date,
                "language": person.language,
                "regional_fund": person.regional_fund,
                "name": name_of(person),
                **address_of(person.address),
            },
        )

    async def update(self, person_id: str, **values) -> None:
        if values:
            await self.conn.execute(
                update(persons).where(persons.c.person_id == person_id).values(**values)
            )

    async def electronic(self, person_id: str) -> bool:
        where = choices.c.person_id == person_id
        return bool(await self.conn.scalar(select(choices.c.electronic).where(where)))

    async def delivery(self, person_id: str) -> dict | None:
        """How the person receives invoices: their choices (None: on paper, never chosen)."""
        found = await self.conn.execute(select(choices).where(choices.c.person_id == person_id))
        row = found.first()
        return row._asdict() if row else None

    async def insure(self, subscribed: InsuranceSubscribed) -> None:
        key = (
            covers.c.person_id == subscribed.person_id,
            covers.c.starts_on == subscribed.starts_on,
        )
        if await self.conn.scalar(select(covers.c.person_id).where(*key)):
            return
        await self.conn.execute(
            insert(covers),
            {
                "person_id": subscribed.person_id,
                "starts_on": subscribed.starts_on,
                "booklet_id": subscribed.booklet_id,
                "product": subscribed.product.value,
            },
        )

    async def end_cover(self, person_id: str, last_day: date) -> None:
        await self.conn.execute(
            update(covers)
            .where(covers.c.person_id == person_id, covers.c.ends_on.is_(None))
            .values(ends_on=last_day)
        )

    async def forget(self, person_id: str) -> None:
        """An erased person: nothing that names or reaches them stays; their covers go too."""
        gone = dict.fromkeys(("name", "street", "postal_code", "municipality", "email", "phone"))
        await self.update(person_id, **gone)
        await self.conn.execute(delete(covers).where(covers.c.person_id == person_id))
        where = choices.c.person_id == person_id
        await self.conn.execute(update(choices).where(where).values(email=None, phone=None))

    async def insured_booklets(self, period: date, after: str, limit: int) -> list[str]:
        """Booklets with someone insured in the month of `period`, in order, after `after`."""
        row = covers.c
        query = (
            select(row.booklet_id)
            .where(
                row.starts_on <= period,
                (row.ends_on.is_(None)) | (row.ends_on >= period),
                row.booklet_id > after,
            )
            .group_by(row.booklet_id)
            .order_by(row.booklet_id)
            .limit(limit)
        )
        return list(await self.conn.scalars(query))

    async def household(self, booklet_id: str) -> tuple[dict | None, list[Insured], list[Cover]]:
        """The holder's row, the persons and their covers of one booklet."""
        rows = [
            row._asdict()
            for row in await self.conn.execute(
                select(persons).where(persons.c.booklet_id == booklet_id)
            )
        ]
        holder = next((row for row in rows if row["role"] == "holder"), None)
        insured = [Insured(r["person_id"], r["birth_date"], r["role"] == "dependant") for r in rows]
        found = await self.conn.execute(select(covers).where(covers.c.booklet_id == booklet_id))
        return (
            holder,
            insured,
            [Cover(c.person_id, Product(c.product), c.starts_on, c.ends_on) for c in found],
        )

    async def persons(self, person_ids: set[str]) -> dict[str, dict]:
        query = select(persons).where(persons.c.person_id.in_(person_ids))
        return {row.person_id: row._asdict() for row in await self.conn.execute(query)}
