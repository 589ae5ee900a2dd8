"""DOS-12, issue 10 item 3 (first part): a person erased at the dossier is gone from the dossier's
and identity's databases and from their topics, the projection rebuilt from the first event
shows them "erased", and another member is untouched.

Not yet covered here (issue 10, in progress): a portal account and complaints of the person
(identity's and complaints' events still name persons by national register number), and the
`dossier.commands` topic, whose commands carry personal data in clear for their retention."""

from __future__ import annotations

from datetime import date

from sqlalchemy import MetaData, select

from services.dossier.app import definition as dossier_service
from services.dossier.read_model import booklet_persons
from services.identity.adapters.members import Members
from services.identity.app import definition as identity_service
from shared.eventstore.schema import data_keys
from shared.messaging.topics import events_topic, keys_topic, outcomes_topic
from tests.support import dossier as facts
from tests.support.kafka import everything_on
from tests.support.services import running
from tests.support.waiting import eventually

GRIET = facts.insz(date(1979, 2, 14), 57)
OTHER = facts.insz(date(1990, 1, 1), 61)
GRIET_SAYS = ("Griet", "Vandekerckhove", "Kouter", "griet.v@example.org", "BE68539007547034")


async def everything_in(runtime) -> str:
    """Every row of every table of a service's database, as text."""
    async with runtime.database.read() as conn:
        tables = MetaData()
        await conn.run_sync(tables.reflect)
        rows = [
            repr(tuple(row))
            for table in tables.sorted_tables
            for row in await conn.execute(select(table))
        ]
    return "\n".join(rows)


async def test_dos12_an_erased_person_is_gone_from_stores_projections_and_topics(
    new_database, kafka, signer
):
    griet = facts.person(
        GRIET,
        first_name="Griet",
        last_name="Vandekerckhove",
        birth_date=date(1979, 2, 14),
        address={
            "street": "Kouter",
            "house_number": "7",
            "postal_code": "9000",
            "municipality": "Gent",
            "country": "BE",
        },
    )
    other = facts.person(OTHER, first_name="Jan", last_name="Claes", birth_date=date(1990, 1, 1))
    async with (
        running(dossier_service, await new_database("dossier"), kafka) as dossier,
        running(identity_service, await new_database("identity"), kafka) as identity,
    ):
        await signer.known_by(dossier)

        async def staff(command: str, payload: dict) -> None:
            sent = await signer.send("dossier", command, payload, "member_services")
            assert sent.status == "accepted", sent.reason

        await staff("EnrolMember", {"booklet_id": "b-g", "holder": griet.model_dump(mode="json")})
        await staff("EnrolMember", {"booklet_id": "b-o", "holder": other.model_dump(mode="json")})
        contact = {"email": "griet.v@example.org", "phone": "+32470123456"}
        bank = {"iban": "BE68539007547034"}
        await staff(
            "ChangeContactDetails",
            {"booklet_id": "b-g", "national_register_number": GRIET} | contact | bank,
        )

        async def member(nrn: str):
            async with identity.database.read() as conn:
                return await Members(conn).find(nrn)

        known = await eventually(lambda: member(GRIET))
        assert known is not None
        assert await eventually(lambda: _has_email(identity, GRIET))

        await staff("ErasePerson", {"booklet_id": "b-g", "national_register_number": GRIET})

        async def forgotten_by_identity() -> bool:
            async with identity.database.read() as conn:
                keys = set(
                    await conn.scalars(
                        select(data_keys.c.wrapped.is_(None)).where(
                            data_keys.c.subject == known.person_id
                        )
                    )
                )
            return await member(GRIET) is None and keys == {True}

        assert await eventually(forgotten_by_identity)
        await dossier.projector.run_until_caught_up()
        await dossier.projector.rebuild("booklets")
        async with dossier.database.read() as conn:
            rows = {row.person_id: row for row in await conn.execute(select(booklet_persons))}
        at_rest = await everything_in(dossier) + await everything_in(identity)
        topics = [
            events_topic(kafka, "dossier"),
            keys_topic(kafka, "dossier"),
            outcomes_topic(kafka, "dossier"),
            events_topic(kafka, "identity"),
        ]
        records = [
            record
            for topic in topics
            for record in await everything_on(kafka.bootstrap_servers, topic)
        ]
        published = b"".join(record.value or b"" for record in records)
    assert len(records) >= 10  # both enrolments, the change, the erasure, keys, outcomes

    for secret in (GRIET, *GRIET_SAYS):
        assert secret not in at_rest, secret
        assert secret.encode() not in published, secret
    erased = rows[known.person_id]
    assert (erased.first_name, erased.last_name, erased.email) == ("erased",) * 3
    # The law keeps her bank account, restricted, until its retention ends (DOS-13,
    # tests/integration/test_retention.py): shown as such, never in clear.
    assert erased.iban == "restricted"
    assert (erased.booklet_id, erased.birth_date) == ("b-g", date(1979, 2, 14))
    [kept] = [row for row in rows.values() if row.booklet_id == "b-o"]
    assert (kept.national_register_number, kept.first_name) == (OTHER, "Jan")
    assert OTHER in at_rest  # the other member's data is untouched


async def _has_email(identity, nrn: str) -> bool:
    async with identity.database.read() as conn:
        found = await Members(conn).find(nrn)
    return found is not None and found.email == "griet.v@example.org"
