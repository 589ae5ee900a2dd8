"""DOS-12 (issue 10, item 4): a member asks for a copy of their data (access, portability) and
downloads it as JSON, one part per service, theirs only; another member's token gets 404.
When the dossier records `PersonalDataRequested`, the dossier, identity and complaints each record
`PersonalDataExported` with their part of the person's copy; the part is sealed under the
request on every events topic, identity and complaints share the key of theirs with the dossier
alone (through `identity.keys` and `complaints.keys`), and the dossier opens each part: the
person's booklet, portal account and complaint, nothing of another member. A month later
every service shreds its key of the copy, and the dossier's copies of the others' go with them.

Real broker, real databases (both backends), the three services as they are wired."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from services.complaints.app import definition as complaints_service
from services.dossier.app import definition as dossier_service
from services.identity.adapters.members import Members
from services.identity.app import definition as identity_service
from shared.contracts import EventEnvelope
from shared.contracts.privacy import PersonalDataExported, PersonalDataRequested
from shared.eventstore import PendingEvent, unit_of_work
from shared.eventstore.schema import data_keys
from shared.messaging.topics import events_topic, keys_topic
from shared.privacy.marking import ERASED_KEY, SEALED_KEY
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.identity_provider import register_with_digital_key
from tests.support.kafka import everything_on
from tests.support.recorded import recorded
from tests.support.services import running
from tests.support.waiting import eventually

GRIET = facts.insz(date(1979, 2, 14), 57)
LIEN = facts.insz(date(2018, 6, 1), 12)  # her daughter, on her booklet
JAN = facts.insz(date(1990, 1, 1), 61)  # another member
PASSWORD = "correct horse battery staple"
GRIETS_COMPLAINT = {
    "complainant_name": "Griet Vandekerckhove",
    "subject": "Kinesitherapie zonder terugbetaling",
    "description": "Mijn knie-oefeningen aan de Kouter zijn niet terugbetaald.",
    "category": "reimbursement",
}
JANS_COMPLAINT = {
    "complainant_name": "Jan Claes",
    "subject": "Brillenglazen te laat vergoed",
    "description": "De terugbetaling van mijn bril duurt al drie maanden.",
    "channel": "phone",
}
# What is Lien's or Jan's and never in a copy made for Griet.
NOT_GRIETS = (LIEN, "Lien", JAN, "Claes", JANS_COMPLAINT["subject"], "Molenstraat")
SERVICES = ("dossier", "identity", "complaints")


async def test_dos12_a_member_downloads_a_copy_with_every_services_part_sealed_for_the_dossier(
    new_database, kafka, signer, provider, clock
):
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(identity_service, await new_database("identity"), kafka, clock) as identity,
        running(complaints_service, await new_database("complaints"), kafka, clock) as complaints,
        client(identity) as identity_api,
        client(complaints) as complaints_api,
    ):
        await signer.known_by(dossier)
        await signer.known_by(complaints)

        async def staff(service: str, command: str, payload: dict, role="member_services"):
            sent = await signer.send(service, command, payload, role)
            assert sent.status == "accepted", sent.reason

        # Griet holds booklet b-g with her daughter Lien on it; Jan holds b-j.
        griet = _griet()
        lien = facts.person(LIEN, first_name="Lien", birth_date=date(2018, 6, 1))
        jan = facts.person(
            JAN,
            first_name="Jan",
            last_name="Claes",
            birth_date=date(1990, 1, 1),
            address={
                "street": "Molenstraat",
                "house_number": "3",
                "postal_code": "2000",
                "municipality": "Antwerpen",
                "country": "BE",
            },
        )
        await staff("dossier", "EnrolMember", {"booklet_id": "b-g", "holder": _json(griet)})
        await staff("dossier", "AddDependant", {"booklet_id": "b-g", "dependant": _json(lien)})
        await staff("dossier", "EnrolMember", {"booklet_id": "b-j", "holder": _json(jan)})
        contact = {"email": "griet.v@example.org", "iban": "BE68539007547034"}
        await staff(
            "dossier",
            "ChangeContactDetails",
            {"booklet_id": "b-g", "national_register_number": GRIET} | contact,
        )
        griet_id = await facts.person_id_in(dossier, GRIET)
        lien_id = await facts.person_id_in(dossier, LIEN)
        jan_id = await facts.person_id_in(dossier, JAN)

        async def member(nrn: str):
            async with identity.database.read() as conn:
                return await Members(conn).find(nrn)

        assert await eventually(lambda: member(GRIET)) and await eventually(lambda: member(JAN))

        # Both have a portal account (their national register number is the login).
        accounts = {}
        for nrn, name in ((GRIET, "Griet Vandekerckhove"), (JAN, "Jan Claes")):
            registered = await register_with_digital_key(
                identity_api, provider, nrn, PASSWORD, name=name
            )
            assert registered.status_code == 201, registered.text
            accounts[nrn] = registered.json()["account_id"]
        tokens = {}
        for nrn in (GRIET, JAN):
            logged_in = await identity_api.post("/login", json={"login": nrn, "password": PASSWORD})
            tokens[nrn] = logged_in.json()["access_token"]
        token = tokens[GRIET]

        # Griet files a complaint on the portal; Jan's came by phone.
        async def filed():
            response = await complaints_api.post(
                "/complaints", json=GRIETS_COMPLAINT, headers=bearer(token)
            )
            return response if response.status_code == 201 else None

        complaint = await eventually(filed)  # once complaints learnt identity's signing key
        assert complaint, "complaints never accepted Griet's token"
        griets_file = complaint.json()["file_number"]
        await staff(
            "complaints",
            "RegisterComplaint",
            JANS_COMPLAINT | {"complainant_person": jan_id},
            "complaints_handler",
        )

        # Griet asks the dossier for a copy of her data; the dossier records PersonalDataRequested.
        async with client(dossier) as dossier_api:
            asked = await dossier_api.post(
                "/privacy/requests",
                json={"person_id": griet_id, "right": "access"},
                headers=bearer(token),
            )
            assert asked.status_code == 201, asked.text
            request_id = asked.json()["request_id"]
            export = f"/privacy/requests/{request_id}/export"

            async def downloaded():
                response = await dossier_api.get(export, headers=bearer(token))
                return response if response.status_code == 200 else None

            download = await eventually(downloaded)
            assert download, "the copy never became complete"
            jans_try = await dossier_api.get(export, headers=bearer(tokens[JAN]))

        async def answered_by_all() -> bool:
            runtimes = (dossier, identity, complaints)
            answers = [await recorded(r, PersonalDataExported.type_name) for r in runtimes]
            return all(len(a) == 1 for a in answers)

        assert await eventually(answered_by_all), "not every service answered"

        async def dossier_holds_their_keys() -> dict:
            held = await _export_keys(dossier, request_id)
            return held if held.get("identity") and held.get("complaints") else {}

        held = await eventually(dossier_holds_their_keys)
        assert held == {"dossier": True, "identity": True, "complaints": True}
        assert await _export_keys(identity, request_id) == {"identity": True}
        assert await _export_keys(complaints, request_id) == {"complaints": True}

        # What the topics carry: the parts sealed, the keys wrapped for the dossier.
        published = {s: await _exported_on(kafka, s) for s in SERVICES}
        shared = {
            s: await everything_on(kafka.bootstrap_servers, keys_topic(kafka, s))
            for s in SERVICES[1:]
        }
        async with dossier.database.read() as conn:
            parts = {
                s: (await dossier.store.open(conn, [envelope]))[0].payload["part"]
                for s, (envelope, _) in published.items()
            }

        # A month later each service shreds its key of the copy; the dossier its copies too.
        clock.advance(timedelta(days=32))

        async def all_shredded() -> bool:
            return await _export_keys(dossier, request_id) == dict.fromkeys(SERVICES, False)

        assert await eventually(all_shredded), await _export_keys(dossier, request_id)
        assert await _export_keys(identity, request_id) == {"identity": False}
        async with dossier.database.read() as conn:
            after = {
                s: (await dossier.store.open(conn, [envelope]))[0].payload["part"]
                for s, (envelope, _) in published.items()
            }

    for service, (envelope, raw) in published.items():
        assert envelope.payload["part"].keys() == {SEALED_KEY}, service
        assert (envelope.payload["request_id"], envelope.payload["person_id"]) == (
            request_id,
            griet_id,
        )
        assert envelope.payload["service"] == service
        for secret in (GRIET, "Vandekerckhove", "griet.v@example.org", "Kinesitherapie"):
            assert secret.encode() not in raw, (service, secret)
    # What Griet downloads is what the dossier opened from each service's part; Jan gets 404.
    assert download.json()["parts"] == parts and download.json()["person_id"] == griet_id
    assert jans_try.status_code == 404
    for service, records in shared.items():
        # Only the key of the copy: a service shares no other category with the dossier.
        assert {r.key for r in records} == {f"{request_id}/export".encode()}, service

    booklet = parts["dossier"]
    assert (booklet["person_id"], booklet["booklet_id"], booklet["role"]) == (
        griet_id,
        "b-g",
        "holder",
    )
    assert (booklet["national_register_number"], booklet["last_name"]) == (GRIET, "Vandekerckhove")
    assert (booklet["email"], booklet["iban"]) == ("griet.v@example.org", "BE68539007547034")
    assert booklet["address"]["street"] == "Veldstraat"
    assert booklet["others_on_booklet"] == [{"person_id": lien_id, "role": "dependant"}]

    [account] = parts["identity"]["portal_accounts"]
    assert (account["account_id"], account["login"]) == (accounts[GRIET], GRIET)
    assert account["verified_by"] and account["terms_accepted"][0]["version"] == "2026-01"
    assert [login["outcome"] for login in account["logins"]] == ["succeeded"]
    [to_lien] = parts["identity"]["your_access_to_others"]
    assert (to_lien["person_id"], to_lien["allowed"]) == (lien_id, True)

    [filed_by_griet] = parts["complaints"]["complaints"]
    assert filed_by_griet["file_number"] == griets_file
    assert filed_by_griet["subject"] == GRIETS_COMPLAINT["subject"]
    assert filed_by_griet["description"] == GRIETS_COMPLAINT["description"]

    copy = str(parts)
    for theirs in (*NOT_GRIETS, accounts[JAN]):
        assert theirs not in copy, theirs
    for secret in ("hash", "secret", "totp", "refresh", "$argon2", PASSWORD):
        assert secret not in copy, secret

    # Shredded: every part now reads as erased, at the dossier too.
    assert after == dict.fromkeys(SERVICES, {ERASED_KEY: "export"})


def _griet():
    return facts.person(
        GRIET, first_name="Griet", last_name="Vandekerckhove", birth_date=date(1979, 2, 14)
    )


def _json(person) -> dict:
    return person.model_dump(mode="json")


async def _record_request(dossier, request_id: str, person_id: str) -> None:
    requested = PersonalDataRequested(request_id=request_id, person_id=person_id)
    async with unit_of_work(dossier.store, dossier.clock) as uow:
        await uow.append(
            f"privacy-request-{request_id}",
            None,
            [PendingEvent(requested, str(uuid.uuid4()))],
            correlation_id=str(uuid.uuid4()),
        )
        await uow.commit()


async def _export_keys(runtime, request_id: str) -> dict[str, bool]:
    """owner → whether `runtime` holds a live export key of that owner for the request."""
    async with runtime.database.read() as conn:
        rows = await conn.execute(
            select(data_keys.c.owner, data_keys.c.wrapped).where(
                data_keys.c.subject == request_id, data_keys.c.category == "export"
            )
        )
        return {owner: wrapped is not None for owner, wrapped in rows}


async def _exported_on(kafka, service: str) -> tuple[EventEnvelope, bytes]:
    """The service's `PersonalDataExported` as its events topic carries it, read by a plain
    consumer, and the record's bytes."""
    records = await everything_on(kafka.bootstrap_servers, events_topic(kafka, service))
    [record] = [r for r in records if b'"PersonalDataExported"' in r.value]
    return EventEnvelope.model_validate_json(record.value), record.value


async def test_dos12_an_erasure_shreds_the_copies_made_of_the_person_in_every_service(
    new_database, kafka, signer, clock
):
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(identity_service, await new_database("identity"), kafka, clock) as identity,
        running(complaints_service, await new_database("complaints"), kafka, clock) as complaints,
    ):
        await signer.known_by(dossier)
        sent = await signer.send(
            "dossier", "EnrolMember", {"booklet_id": "b-g", "holder": _json(_griet())}
        )
        assert sent.status == "accepted", sent.reason
        griet_id = await facts.person_id_in(dossier, GRIET)
        request_id = str(uuid.uuid4())
        await _record_request(dossier, request_id, griet_id)

        async def dossier_holds_every_key() -> bool:
            return await _export_keys(dossier, request_id) == dict.fromkeys(SERVICES, True)

        assert await eventually(dossier_holds_every_key), await _export_keys(dossier, request_id)

        erasure = {"booklet_id": "b-g", "national_register_number": GRIET}
        sent = await signer.send("dossier", "ErasePerson", erasure, "member_services")
        assert sent.status == "accepted", sent.reason

        async def shredded_everywhere() -> bool:
            return (
                await _export_keys(dossier, request_id) == dict.fromkeys(SERVICES, False)
                and await _export_keys(identity, request_id) == {"identity": False}
                and await _export_keys(complaints, request_id) == {"complaints": False}
            )

        assert await eventually(shredded_everywhere), await _export_keys(dossier, request_id)
        # Identity told the dossier its key is shredded: the latest record of the key says so.
        shared = await everything_on(kafka.bootstrap_servers, keys_topic(kafka, "identity"))

    assert b'"wrapped":null' in shared[-1].value
