"""The booklet read model, and the index that keeps each person on one booklet."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    MetaData,
    String,
    Table,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope
from shared.contracts.dossier import (
    Address,
    AddressChanged,
    ContactDetailsChanged,
    DependantAdded,
    Entitlement,
    EntitlementChanged,
    MemberDied,
    MemberEmigrated,
    MemberEnrolled,
    MemberLeft,
    Person,
    PersonErased,
    RetentionEnded,
)
from shared.contracts.privacy import (
    ConsentGiven,
    ConsentWithdrawn,
    ProcessingRestricted,
    ProcessingRestrictionLifted,
)
from shared.privacy.marking import CATEGORIES, ERASED, Category

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
    Column("person_id", String(64), primary_key=True),
    # Not unique: once erased, persons share the word "erased" here.
    Column("national_register_number", String(11), nullable=False, index=True),
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
    # Address and entitlement (DOS-1): empty for persons enrolled before they were kept.
    Column("address_country", String(2)),
    Column("address_street", String(100)),
    Column("address_house_number", String(10)),
    Column("address_box", String(10)),
    Column("address_postal_code", String(20)),
    Column("address_municipality", String(100)),
    Column("cg1", String(3)),
    Column("cg2", String(3)),
    Column("increased_reimbursement", Boolean),
    Column("increased_reimbursement_since", Date),
    # DOS-13: how and when the membership ended (left, died, emigrated), and the fund left for.
    Column("membership_ended_on", Date),
    Column("membership_end", String(16)),
    Column("left_for", String(64)),
    # DOS-12: processing restricted (GDPR art. 18, 21), and what the person consents to (the
    # purposes, sorted; none when NULL).
    Column("restricted", Boolean, nullable=False, server_default=false()),
    Column("consents", JSON),
)


class BookletsProjection:
    name = "booklets"
    tables = (booklet_persons,)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case MemberEnrolled(booklet_id=booklet_id, person_id=person_id, holder=person):
                row = {"person_id": person_id, "booklet_id": booklet_id, "role": "holder"}
                await conn.execute(insert(booklet_persons), row | _columns(person))
            case DependantAdded(booklet_id=booklet_id, person_id=person_id, dependant=person):
                row = {"person_id": person_id, "booklet_id": booklet_id, "role": "dependant"}
                await conn.execute(insert(booklet_persons), row | _columns(person))
            case ContactDetailsChanged(person_id=person_id):
                changes = event.model_dump(
                    include={"email", "phone", "iban", "bic"}, exclude_none=True
                )
                await _update(conn, person_id, changes)
            case AddressChanged(person_id=person_id, address=address):
                await _update(conn, person_id, _address_columns(address))
            case EntitlementChanged(person_id=person_id, entitlement=entitlement):
                await _update(conn, person_id, _entitlement_columns(entitlement))
            case MemberLeft(person_id=person_id, on=on, to_fund=to_fund):
                await _update(conn, person_id, _ended(on, "left", to_fund))
            case MemberDied(person_id=person_id, on=on):
                await _update(conn, person_id, _ended(on, "died"))
            case MemberEmigrated(person_id=person_id, on=on):
                await _update(conn, person_id, _ended(on, "emigrated"))
            case PersonErased(person_id=person_id, restricted=restricted):
                erased = [c for c in CATEGORIES if c not in restricted]
                shown = _shown_as(ERASED, erased) | _shown_as(RESTRICTED, restricted)
                await _update(conn, person_id, shown)
            case RetentionEnded(person_id=person_id, category=category):
                await _update(conn, person_id, _shown_as(ERASED, [category]))
            case ProcessingRestricted(person_id=person_id):
                await _update(conn, person_id, {"restricted": True})
            case ProcessingRestrictionLifted(person_id=person_id):
                await _update(conn, person_id, {"restricted": False})
            case ConsentGiven(person_id=person_id, purpose=purpose):
                consents = await _consents(conn, person_id)
                await _update(conn, person_id, {"consents": sorted(consents | {purpose})})
            case ConsentWithdrawn(person_id=person_id, purpose=purpose):
                consents = await _consents(conn, person_id)
                await _update(conn, person_id, {"consents": sorted(consents - {purpose})})


async def _consents(conn: AsyncConnection, person_id: str) -> set[str]:
    row = booklet_persons.c
    return set(await conn.scalar(select(row.consents).where(row.person_id == person_id)) or ())


async def _update(conn: AsyncConnection, person_id: str, values: dict[str, Any]) -> None:
    if values:
        await conn.execute(
            update(booklet_persons).where(booklet_persons.c.person_id == person_id).values(**values)
        )


# What a person's financial records show while the law keeps them after an erasure (DOS-12,
# DOS-13): they are there, not to be read, until their retention ends.
RESTRICTED = "restricted"

# The columns of each category of personal data (the fields marked in the contracts,
# shared.privacy), as a rebuild after their key is shredded would show them; what the person is
# entitled to and their dates stay.
COLUMNS_OF: dict[Category, tuple[str, ...]] = {
    "identification": ("national_register_number", "first_name", "last_name"),
    "contact": (
        "email",
        "phone",
        "address_street",
        "address_house_number",
        "address_box",
        "address_postal_code",
        "address_municipality",
    ),
    "financial": ("iban", "bic"),
}


def _shown_as(word: str, categories: Iterable[Category]) -> dict[str, str]:
    return {column: str(word) for c in categories for column in COLUMNS_OF.get(c, ())}


def _ended(on: date, how: str, to_fund: str | None = None) -> dict[str, Any]:
    return {"membership_ended_on": on, "membership_end": how, "left_for": to_fund}


def _columns(person: Person) -> dict[str, Any]:
    return (
        person.model_dump(exclude={"address", "entitlement"})
        | _address_columns(person.address)
        | _entitlement_columns(person.entitlement)
    )


def _address_columns(address: Address | None) -> dict[str, Any]:
    return {f"address_{k}": v for k, v in address.model_dump().items()} if address else {}


def _entitlement_columns(entitlement: Entitlement | None) -> dict[str, Any]:
    return entitlement.model_dump() if entitlement else {}
