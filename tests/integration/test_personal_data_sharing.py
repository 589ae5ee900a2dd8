"""Issue 10 item 2: keys between services without a synchronous call. The dossier shares the
data keys of the categories identity is entitled to on `dossier.keys`, before the events that
need them; identity opens the dossier's events with them, a service not entitled (monitoring)
sees the fields sealed, and once the dossier shreds a key, identity's copy is shredded too.

The probe event stands for any dossier event with personal fields; the readers are minimal
services under the real names, so the real entitlements (shared/privacy/sharing.yaml) apply."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from sqlalchemy import select

from services.dossier.app import definition as dossier_service
from services.identity.adapters.members import Members
from services.identity.app import definition as identity_service
from shared.contracts import Event, EventEnvelope, events
from shared.eventstore import PendingEvent, unit_of_work
from shared.eventstore.schema import data_keys
from shared.messaging.consumer import Subscription
from shared.messaging.topics import events_topic, keys_topic
from shared.privacy.keys import DataKeys
from shared.privacy.marking import ERASED, SEALED, Personal
from shared.service import ServiceDefinition
from tests.support import dossier as facts
from tests.support.kafka import read_topic
from tests.support.services import running
from tests.support.waiting import eventually

PERSON = "4c1f7a52-0d8e-4f6b-9a55-1d3c0e2b7a10"


@events.register
class SharingProbeRecorded(Event):
    type_name = "SharingProbeRecorded"

    person_id: str
    name: Annotated[str, Personal("identification")]
    email: Annotated[str, Personal("contact")]
    iban: Annotated[str, Personal("financial")]


def reader(name: str, seen: list[EventEnvelope]) -> ServiceDefinition:
    async def keep(uow, envelope: EventEnvelope) -> None:
        if envelope.type == SharingProbeRecorded.type_name:
            seen.append(envelope)

    return ServiceDefinition(name, subscriptions=[Subscription("probe", ["dossier"], keep)])


async def record_probe(dossier) -> None:
    probe = SharingProbeRecorded(
        person_id=PERSON, name="Els Peeters", email="els@example.org", iban="BE68539007547034"
    )
    async with unit_of_work(dossier.store, dossier.clock) as uow:
        await uow.append(
            f"probe-{PERSON}", None, [PendingEvent(probe, "probe-1")], correlation_id="c-1"
        )
        await uow.commit()


async def held_by(runtime, owner: str) -> dict[str, bool]:
    """category → whether `runtime` holds a live key of `owner`'s for PERSON."""
    async with runtime.database.read() as conn:
        rows = await conn.execute(
            select(data_keys.c.category, data_keys.c.wrapped).where(
                data_keys.c.owner == owner, data_keys.c.subject == PERSON
            )
        )
        return {category: wrapped is not None for category, wrapped in rows}


async def test_principle7_a_reader_gets_the_keys_it_is_entitled_to_and_no_others(
    new_database, kafka
):
    seen_by_identity: list[EventEnvelope] = []
    seen_by_monitoring: list[EventEnvelope] = []
    async with (
        running(ServiceDefinition("dossier"), await new_database("dossier"), kafka) as dossier,
        running(reader("identity", seen_by_identity), await new_database("identity"), kafka) as (
            identity
        ),
        running(
            reader("monitoring", seen_by_monitoring), await new_database("monitoring"), kafka
        ) as monitoring,
    ):
        await record_probe(dossier)

        async def both_saw_it() -> bool:
            return len(seen_by_identity) == len(seen_by_monitoring) == 1

        assert await eventually(both_saw_it)
        identity_keys = await held_by(identity, "dossier")
        monitoring_keys = await held_by(monitoring, "dossier")

        async with dossier.database.begin() as conn:
            await DataKeys(conn, dossier.store.kek).shred(PERSON, dossier.clock.now())

        async def shredded_there() -> bool:
            return set((await held_by(identity, "dossier")).values()) == {False}

        assert await eventually(shredded_there)
        async with dossier.database.read() as conn:
            (published,) = await dossier.store.read_all(conn, settled=False)
        async with identity.database.read() as conn:  # the sealed copy identity was sent
            (after,) = await identity.store.open(conn, [published.envelope])

    [opened] = seen_by_identity
    assert (opened.payload["name"], opened.payload["email"]) == ("Els Peeters", "els@example.org")
    assert opened.payload["iban"].keys() == {"$sealed"}  # financial: payments' only
    assert identity_keys == {"identification": True, "contact": True}
    [sealed] = seen_by_monitoring
    probe = events.decode(sealed)
    assert probe.name is SEALED and probe.email is SEALED and probe.person_id == PERSON
    assert monitoring_keys == {}
    erased = events.decode(after)
    assert erased.name is ERASED and erased.email is ERASED


async def test_principle7_the_dossiers_persons_reach_identity_sealed_and_open_there(
    new_database, kafka, signer
):
    nrn = facts.insz(date(1985, 7, 30), 33)
    holder = facts.person(nrn, first_name="Griet", last_name="Vandekerckhove")
    async with (
        running(dossier_service, await new_database("dossier"), kafka) as dossier,
        running(identity_service, await new_database("identity"), kafka) as identity,
    ):
        await signer.known_by(dossier)
        enrolment = {"booklet_id": "b-77", "holder": holder.model_dump(mode="json")}
        sent = await signer.send("dossier", "EnrolMember", enrolment, "admin")
        assert sent.status == "accepted", sent.reason

        async def known() -> Members | None:
            async with identity.database.read() as conn:
                return await Members(conn).find(nrn)

        member = await eventually(known)
        published = await read_topic(kafka.bootstrap_servers, events_topic(kafka, "dossier"), 1)
        shared = await read_topic(kafka.bootstrap_servers, keys_topic(kafka, "dossier"), 2)

    assert member is not None and member.booklet_id == "b-77"
    on_topic = b"".join(r.value for r in published + shared)
    for secret in (nrn, "Griet", "Vandekerckhove", "Veldstraat"):
        assert secret.encode() not in on_topic, secret
    assert {r.key for r in shared} == {
        f"{member.person_id}/identification".encode(),
        f"{member.person_id}/contact".encode(),
    }


async def test_principle7_an_event_that_arrives_before_its_key_waits_for_it(new_database, kafka):
    seen: list[EventEnvelope] = []
    async with running(
        ServiceDefinition("dossier"), await new_database("dossier"), kafka, background=False
    ) as dossier:
        await record_probe(dossier)
        async with dossier.database.read() as conn:
            (stored,) = await dossier.store.read_all(conn, settled=False)
        # The event alone, as if its key were slower to come than it.
        await facts.publish(kafka, stored.envelope)
        async with running(reader("identity", seen), await new_database("identity"), kafka):

            async def waiting() -> bool:
                return not seen

            assert await waiting()
            await dossier.relay.publish_pending()  # now the key, then the event once more

            async def applied() -> bool:
                return len(seen) == 1

            assert await eventually(applied)

    [opened] = seen
    assert opened.payload["name"] == "Els Peeters"
