"""DOS-4, DOS-5 (seed 000): in a running dossier, on SQLite and PostgreSQL with a real broker,
member services record a person's GMD and a medical agreement with staff commands over Kafka;
the member reads them for their own person and learns nothing of another's; member services
see them on the booklet. The GP, the advantage and what the agreement is about are sealed in
the event store and on the topic, and erased with the person."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from services.dossier.app import definition as dossier_service
from services.dossier.care_read_model import Care
from shared.contracts import CommandOutcome, events
from shared.eventstore.schema import events as events_table
from shared.messaging.topics import events_topic
from shared.privacy.marking import ERASED
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.kafka import read_topic
from tests.support.services import running
from tests.support.waiting import eventually

ELS = facts.insz(date(1985, 7, 30), 33)
JAN = facts.insz(date(1985, 7, 30), 45)  # born the same day as Els, for short
DR_JANSSENS = "10005549004"
GMD = {
    "gp_riziv_number": "1-00055-49-004",
    "gp_name": "Dr. An Janssens",
    "start_date": "2024-03-01",
    "advantage": "consultations",
}
AGREEMENT = {
    "agreement_id": "A-2026-0042",
    "nomenclature_code": "560011",
    "description": "Kinesitherapie, pathologische situatie E",
    "valid_from": "2026-01-01",
    "valid_to": None,
    "status": "granted",
}
SECRETS = (DR_JANSSENS, "Janssens", "560011", "Kinesitherapie", "consultations")


@pytest.fixture
async def dossier(database_url, kafka, signer):
    async with running(dossier_service, database_url, kafka) as runtime:
        await signer.known_by(runtime)
        yield runtime


async def staff(signer, command: str, payload: dict) -> CommandOutcome:
    outcome = await signer.send("dossier", command, payload, "member_services")
    assert outcome.status == "accepted", outcome.reason
    return outcome


async def enrolled(signer, national_register_number: str, first_name: str) -> str:
    booklet_id = str(uuid.uuid4())
    holder = facts.person(national_register_number, first_name=first_name)
    await staff(
        signer, "EnrolMember", {"booklet_id": booklet_id, "holder": holder.model_dump(mode="json")}
    )
    return booklet_id


async def with_care(signer, booklet_id: str) -> None:
    """Els's GMD at Dr. Janssens and the advising physician's agreement for physiotherapy."""
    person = {"booklet_id": booklet_id, "national_register_number": ELS}
    await staff(signer, "RecordGmd", person | GMD)
    await staff(signer, "RecordMedicalAgreement", person | AGREEMENT)


async def stored_payloads(dossier) -> str:
    async with dossier.database.read() as conn:
        return json.dumps(list(await conn.scalars(select(events_table.c.payload))))


async def test_dos4_dos5_staff_record_a_gmd_and_an_agreement_the_member_reads_their_own(
    dossier, signer, kafka
):
    els_booklet = await enrolled(signer, ELS, "Els")
    await enrolled(signer, JAN, "Jan")
    await with_care(signer, els_booklet)
    els, jan = await facts.person_id_in(dossier, ELS), await facts.person_id_in(dossier, JAN)
    await signer.announce_member(dossier, "els", ELS, els)
    member = bearer(signer.token("member", "els"))
    member_services = bearer(signer.token("member_services"))

    async with client(dossier) as api:

        async def gmd_shown():
            response = await api.get(f"/persons/{els}/gmd", headers=member)
            return response if response.status_code == 200 else None

        gmd = await eventually(gmd_shown)
        agreements = await api.get(f"/persons/{els}/medical-agreements", headers=member)
        others_gmd = await api.get(f"/persons/{jan}/gmd", headers=member)
        others_agreements = await api.get(f"/persons/{jan}/medical-agreements", headers=member)
        on_booklet = await api.get(f"/booklets/{els_booklet}", headers=member_services)
        staff_by_person = await api.get(f"/persons/{els}/gmd", headers=member_services)

    assert gmd is not None, "the GMD never became readable"
    assert gmd.json() == {
        "gp_riziv_number": DR_JANSSENS,
        "gp_name": "Dr. An Janssens",
        "start_date": "2024-03-01",
        "advantage": "consultations",
        "end_date": None,
    }
    assert agreements.status_code == 200
    assert agreements.json() == [AGREEMENT]
    for another in (others_gmd, others_agreements):
        assert another.status_code == 404 and another.json()["code"] == "no_such_person"
    [holder] = on_booklet.json()
    assert holder["gmd"] == gmd.json() and holder["medical_agreements"] == [AGREEMENT]
    assert staff_by_person.status_code == 403
    # Sealed under Els in the store and on the dossier's topic: no GP, code or care in clear.
    at_rest = await stored_payloads(dossier)
    published = await read_topic(kafka.bootstrap_servers, events_topic(kafka, "dossier"), 4)
    on_topic = b"".join(record.value for record in published)
    types = {json.loads(record.value)["type"] for record in published}
    assert {"GmdRecorded", "MedicalAgreementRecorded"} <= types
    for secret in SECRETS:
        assert secret not in at_rest, secret
        assert secret.encode() not in on_topic, secret
    assert "2024-03-01" in at_rest and "A-2026-0042" in at_rest  # structure stays in clear


async def test_dos4_a_gmd_at_another_gp_replaces_the_first_and_a_bad_riziv_number_is_refused(
    dossier, signer
):
    booklet_id = await enrolled(signer, ELS, "Els")
    person = {"booklet_id": booklet_id, "national_register_number": ELS}
    await staff(signer, "RecordGmd", person | GMD)

    moved = await staff(
        signer,
        "RecordGmd",
        person
        | GMD
        | {"gp_riziv_number": "12345625003", "gp_name": "Dr. Pieter Maes"}
        | {"start_date": "2026-02-10"},
    )
    wrong = await signer.send(
        "dossier", "RecordGmd", person | GMD | {"gp_riziv_number": "10005548004"}, "member_services"
    )

    [event] = moved.events
    assert event.type == "GmdRecorded" and event.payload["start_date"] == "2026-02-10"
    assert wrong.status == "rejected"
    assert "RIZIV/INAMI number '10005548004': its check digits are wrong" in wrong.reason
    els = await facts.person_id_in(dossier, ELS)

    async def moved_there():
        async with dossier.database.read() as conn:
            gmd = (await Care(conn).gmds([els])).get(els)
        return gmd if gmd and gmd["gp_riziv_number"] == "12345625003" else None

    gmd = await eventually(moved_there)
    assert gmd is not None and gmd["start_date"] == date(2026, 2, 10)


async def test_dos12_an_erased_person_s_gmd_and_agreements_are_erased_with_their_health_key(
    dossier, signer
):
    booklet_id = await enrolled(signer, ELS, "Els")
    await with_care(signer, booklet_id)
    els = await facts.person_id_in(dossier, ELS)

    await staff(signer, "ErasePerson", {"booklet_id": booklet_id, "national_register_number": ELS})

    async def erased_in_the_read_model():
        async with dossier.database.read() as conn:
            care = Care(conn)
            gmd, agreements = (await care.gmds([els]))[els], (await care.agreements([els]))[els]
        return (gmd, agreements) if gmd["gp_name"] == ERASED else None

    shown = await eventually(erased_in_the_read_model)
    async with dossier.database.read() as conn:
        stored = await dossier.store.read_stream(conn, f"booklet-{booklet_id}")
        opened = [events.decode(e) for e in await dossier.store.open(conn, stored)]

    assert shown is not None, "the read model still shows the GMD"
    gmd, [agreement] = shown
    assert (gmd["gp_riziv_number"], gmd["advantage"]) == ("erased", "erased")
    assert gmd["start_date"] == date(2024, 3, 1)  # dates stay: they name nobody
    assert (agreement["nomenclature_code"], agreement["description"]) == ("erased", "erased")
    [recorded] = [e for e in opened if e.type_name == "GmdRecorded"]
    [signed] = [e for e in opened if e.type_name == "MedicalAgreementRecorded"]
    assert recorded.gp_name is ERASED and recorded.gp_riziv_number is ERASED
    assert signed.nomenclature_code is ERASED and signed.status == "granted"
