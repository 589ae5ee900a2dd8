"""The dossier's side of the payments bench: the population's booklets as the dossier records
them, published on the dossier's topics as its relay publishes them; payments learns the members
from there, as in production. Only the dossier's command path (a command per person) is
skipped, and the per-stream appends and per-key bookkeeping of its store and relay, which would
make the set-up take longer than the figure:

* each household's events are decided by the dossier's own aggregate (`Booklet`: enrolment,
  dependants, the holder's bank account, GMDs) and sealed with the dossier's data keys by the
  store's own sealing (shared.privacy.envelopes), a few hundred booklets a transaction;
* the data keys payments and identity read are shared on `dossier.keys` (wrapped with the
  sharing keys, as the relay shares them), all before any event, then the events go to
  `dossier.events`, each record signed with the dossier's credential, keyed by stream.

The store is filled once per run and published once per payments service under test (each
has a namespace of its own)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from sqlalchemy import insert

from bench.infra import services_producer
from bench.payments_data import FUND, Household, Member, Population
from services.dossier.domain.booklet import Booklet
from shared.clock import Clock
from shared.contracts import EventEnvelope
from shared.contracts.care import RecordGmd
from shared.contracts.dossier import ChangeContactDetails, Person
from shared.contracts.envelope import CONTENT_TYPE
from shared.eventstore import EventStore, unit_of_work
from shared.eventstore.schema import events as stored_events
from shared.eventstore.store import START
from shared.messaging.broker import event_headers
from shared.messaging.topics import ensure_topics, events_topic, keys_topic
from shared.privacy.envelopes import sealed_payloads
from shared.privacy.keys import DataKeys
from shared.privacy.sharing import SharingKeys, shared_categories
from shared.settings import KafkaSettings
from tests.support import dossier as facts
from tests.support.trust import credential, folder

PER_TRANSACTION = 500  # booklets a seeding transaction writes
PUBLISH_BATCH = 5000  # records sent, then awaited together
PRODUCER = "dossier"
VT_SINCE = date(2020, 1, 1)


def person_id(member: Member) -> str:
    """The id the dossier gave the person (opaque; fixed here so the bench can name them)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench:person:{member.national_register_number}"))


def _person(member: Member) -> Person:
    vt_since = max(VT_SINCE, member.birth_date) if member.vt else None
    return facts.person(
        member.national_register_number,
        first_name=member.first_name,
        last_name=member.last_name,
        birth_date=member.birth_date,
        language=member.language,
        regional_fund=FUND,
        entitlement={
            "cg1": "110",
            "cg2": "110",
            "increased_reimbursement": member.vt,
            "increased_reimbursement_since": vt_since,
        },
    )


def _booklet(household: Household, today: date) -> Booklet:
    booklet = Booklet.rebuild(household.booklet_id)
    booklet.enrol(_person(household.holder), person_id(household.holder))
    for dependant in household.dependants:
        booklet.add_dependant(_person(dependant), person_id(dependant))
    if household.iban:
        booklet.change_contact_details(
            ChangeContactDetails(
                booklet_id=household.booklet_id,
                national_register_number=household.holder.national_register_number,
                iban=household.iban,
            )
        )
    for member in household.persons:
        if member.gp is not None:
            booklet.record_gmd(
                RecordGmd(
                    booklet_id=household.booklet_id,
                    national_register_number=member.national_register_number,
                    gp_riziv_number=member.gp.riziv_number,
                    gp_name=member.gp.name,
                    start_date=max(member.birth_date, today - timedelta(days=800)),
                    advantage="consultations",
                )
            )
    return booklet


async def fill(store: EventStore, clock: Clock, population: Population, today: date) -> int:
    """Records every household's booklet, sealed; returns the number of events stored."""
    stored = 0
    households = population.households
    for start in range(0, len(households), PER_TRANSACTION):
        booklets = [_booklet(h, today) for h in households[start : start + PER_TRANSACTION]]
        recorded = [(b.stream_id, n, e) for b in booklets for n, e in enumerate(b.pending, 1)]
        correlation = str(uuid.uuid4())
        async with unit_of_work(store, clock) as uow:
            now = clock.now()
            payloads = await sealed_payloads(
                uow.conn, store.kek, PRODUCER, [e for _, _, e in recorded], now
            )
            rows = [
                EventEnvelope(
                    event_id=str(uuid.uuid4()),
                    type=event.type_name,
                    version=event.version,
                    occurred_at=now,
                    stream_id=stream,
                    stream_version=version,
                    correlation_id=correlation,
                    producer=PRODUCER,
                    payload=payload,
                ).model_dump()
                for (stream, version, event), payload in zip(recorded, payloads, strict=True)
            ]
            await uow.conn.execute(insert(stored_events), rows)
            await uow.commit()
        stored += len(rows)
    return stored


async def publish(store: EventStore, kafka: KafkaSettings) -> tuple[int, int]:
    """Publishes the dossier store on `kafka`'s namespace: its shared data keys first (all of
    them: the bulk of a seeding must not race its own keys, which a live dossier shares a few
    at a time before their events), then its events. Returns (keys, events) published."""
    events, keys = events_topic(kafka, PRODUCER), keys_topic(kafka, PRODUCER)
    await ensure_topics(kafka, [events, keys])
    signer, sharing = credential(PRODUCER), SharingKeys.load(PRODUCER, folder())
    producer = services_producer(kafka.bootstrap_servers, "bench-dossier")
    await producer.start()
    try:
        sends = []

        async def send(value: bytes, topic: str, key: bytes, headers: dict[str, str]) -> None:
            signed = headers | signer.sign(value)
            sends.append(
                await producer.send(
                    topic, value, key=key, headers=[(k, v.encode()) for k, v in signed.items()]
                )
            )
            if len(sends) >= PUBLISH_BATCH:
                await asyncio.gather(*sends)
                sends.clear()

        async with store.database.read() as conn:
            held = await DataKeys(conn, store.kek).unshared(
                PRODUCER, shared_categories(PRODUCER), "bench", limit=10**9
            )
        for entry in held:
            record = sharing.share(entry.subject, entry.category, entry.key)
            header = {"content-type": CONTENT_TYPE}
            await send(record.model_dump_json().encode(), keys, record.record_key, header)
        published, after = 0, START
        while True:
            async with store.database.read() as conn:
                batch = await store.read_all(conn, after, limit=PUBLISH_BATCH)
            if not batch:
                break
            for recorded in batch:
                envelope = recorded.envelope
                value = envelope.model_dump_json().encode()
                await send(value, events, envelope.stream_id.encode(), event_headers(envelope))
            published, after = published + len(batch), batch[-1].position
        await asyncio.gather(*sends)
        return len(held), published
    finally:
        await producer.stop()
