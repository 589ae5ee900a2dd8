"""Who is a member, as identity learns it from the dossier's events (never by asking the
dossier): registration requires being one (ID-1), a one-time code goes only to the e-mail
address or mobile number in the dossier (seed 001 art 4), and no automated decision is taken
about a person whose processing is restricted (DOS-12, GDPR art. 18).

`Members` is the read-model adapter over identity's table of them: a route builds it on its
connection, a command handler asks its unit of work for it (`ctx.uow.view(Members)`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    MetaData,
    String,
    Table,
    delete,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import EventEnvelope, events
from shared.contracts.dossier import (
    ContactDetailsChanged,
    DependantAdded,
    MemberEnrolled,
    Person,
)
from shared.contracts.privacy import ProcessingRestricted, ProcessingRestrictionLifted
from shared.eventstore import UnitOfWork

metadata = MetaData()

members = Table(
    "members",
    metadata,
    Column("person_id", String(64), primary_key=True),
    # Not unique: a person erased before identity could open their events is "erased" here.
    Column("national_register_number", String(11), nullable=False, index=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("role", String(16), nullable=False),  # holder | dependant
    Column("birth_date", Date, nullable=False),
    Column("email", String(320)),
    Column("phone", String(20)),
    Column("restricted", Boolean, nullable=False, server_default=false()),
)


@dataclass(frozen=True)
class Member:
    person_id: str
    national_register_number: str
    booklet_id: str
    role: Literal["holder", "dependant"]
    birth_date: date
    email: str | None
    phone: str | None
    restricted: bool = False


DOSSIER_EVENTS = {
    "MemberEnrolled",
    "DependantAdded",
    "ContactDetailsChanged",
    "ProcessingRestricted",
    "ProcessingRestrictionLifted",
}


async def apply_dossier_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type not in DOSSIER_EVENTS:
        return
    match events.decode(envelope):
        case MemberEnrolled(booklet_id=booklet_id, person_id=person_id, holder=person):
            await _admit(uow.conn, booklet_id, person_id, "holder", person)
        case DependantAdded(booklet_id=booklet_id, person_id=person_id, dependant=person):
            await _admit(uow.conn, booklet_id, person_id, "dependant", person)
        case ContactDetailsChanged(person_id=person_id) as changed:
            # Fields left out of the change stay as they are.
            contact = changed.model_dump(include={"email", "phone"}, exclude_none=True)
            if contact:
                await uow.conn.execute(
                    update(members).where(members.c.person_id == person_id).values(**contact)
                )
        case ProcessingRestricted(person_id=person_id):
            await uow.view(Members).restrict(person_id, True)
        case ProcessingRestrictionLifted(person_id=person_id):
            await uow.view(Members).restrict(person_id, False)


class Members:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def find(self, national_register_number: str) -> Member | None:
        query = select(members).where(
            members.c.national_register_number == national_register_number
        )
        row = (await self.conn.execute(query)).first()
        return Member(**row._mapping) if row else None

    async def get(self, person_id: str) -> Member | None:
        row = (
            await self.conn.execute(select(members).where(members.c.person_id == person_id))
        ).first()
        return Member(**row._mapping) if row else None

    async def restrict(self, person_id: str, restricted: bool) -> None:
        await self.conn.execute(
            update(members).where(members.c.person_id == person_id).values(restricted=restricted)
        )

    async def forget(self, person_id: str) -> None:
        await self.conn.execute(delete(members).where(members.c.person_id == person_id))

    async def holder_of(self, booklet_id: str) -> Member | None:
        """The holder of a booklet: the person a member number (booklet id) stands for."""
        query = select(members).where(
            members.c.booklet_id == booklet_id, members.c.role == "holder"
        )
        row = (await self.conn.execute(query)).first()
        return Member(**row._mapping) if row else None


async def _admit(
    conn: AsyncConnection, booklet_id: str, person_id: str, role: str, person: Person
) -> None:
    # The dossier keeps a person on one booklet, so a known person can only be a replay.
    known = await conn.scalar(select(members.c.person_id).where(members.c.person_id == person_id))
    if known is not None:
        return
    await conn.execute(
        insert(members).values(
            person_id=person_id,
            national_register_number=person.national_register_number,
            booklet_id=booklet_id,
            role=role,
            birth_date=person.birth_date,
        )
    )
