"""The booklet read model, and the index that keeps each person on one booklet."""

from __future__ import annotations

from sqlalchemy import Column, Date, MetaData, String, Table, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope
from shared.contracts.dossier import ContactDetailsChanged, DependantAdded, MemberEnrolled

metadata = MetaData()

# Written by the handlers in the same transaction as the event: a person is on one booklet.
person_index = Table(
    "person_index",
    metadata,
    Column("national_register_number", String(11), primary_key=True),
    Column("booklet_id", String(64), nullable=False),
)

booklet_persons = Table(
    "booklet_persons",
    metadata,
    Column("national_register_number", String(11), primary_key=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("role", String(16), nullable=False),  # holder | dependant
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("language", String(2), nullable=False),
    Column("nationality", String(2), nullable=False),
    Column("regional_fund", String(64), nullable=False),
    Column("email", String(320)),
    Column("phone", String(20)),
    Column("iban", String(34)),
    Column("bic", String(11)),
)


class BookletsProjection:
    name = "booklets"
    tables = (booklet_persons,)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case MemberEnrolled(booklet_id=booklet_id, holder=person):
                await conn.execute(
                    insert(booklet_persons).values(
                        booklet_id=booklet_id, role="holder", **person.model_dump()
                    )
                )
            case DependantAdded(booklet_id=booklet_id, dependant=person):
                await conn.execute(
                    insert(booklet_persons).values(
                        booklet_id=booklet_id, role="dependant", **person.model_dump()
                    )
                )
            case ContactDetailsChanged(national_register_number=insz):
                changes = event.model_dump(
                    include={"email", "phone", "iban", "bic"}, exclude_none=True
                )
                await conn.execute(
                    update(booklet_persons)
                    .where(booklet_persons.c.national_register_number == insz)
                    .values(**changes)
                )
