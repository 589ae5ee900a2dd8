"""DOS-12 (issue 10, item 4): a member asks for a copy of their data (access, portability) and
downloads it as JSON, one part per service, theirs only; another member's token gets 404.
When the dossier records `PersonalDataRequested`, the dossier, identity, complaints, payments
and einvoicing each record `PersonalDataExported` with their part of the person's copy; the
part is sealed under the request on every events topic, the other services share the key of
theirs with the dossier alone (through `identity.keys`, `complaints.keys`, `payments.keys` and
`einvoicing.keys`), and the dossier opens each part: the person's booklet, portal account,
complaint, reimbursed care, the payment into their account and how their invoices reach them,
nothing of another member, nor the care of the daughter whose reimbursement went into that
account. A month later every service shreds its key of the
copy, and the dossier's copies of the others' go with them.

Real broker, real databases (both backends), the five services as they are wired."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal as D

from sqlalchemy import select

from services.complaints.app import definition as complaints_service
from services.dossier.app import definition as dossier_service
from services.einvoicing.app import definition as einvoicing_service
from services.identity.adapters.members import Members
from services.identity.app import definition as identity_service
from services.payments.app import definition as payments_service
from services.payments.members import members as payments_members
from services.payments.payment_runs import next_run_day
from shared.clock import brussels_day
from shared.contracts import EventEnvelope
from shared.contracts.privacy import PersonalDataExported
from shared.eventstore.schema import data_keys
from shared.messaging.topics import events_topic, keys_topic
from shared.privacy.marking import ERASED_KEY, SEALED_KEY
from tests.integration.test_payments import DENTIST, GP, run_payments
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
# What is Lien's or Jan's and never in a copy made for Griet (Lien's dentist is a Claes too).
NOT_GRIETS = (LIEN, "Lien", JAN, "Claes", JANS_COMPLAINT["subject"], "Molenstraat")
SERVICES = ("dossier", "identity", "complaints", "payments", "einvoicing")


async def test_dos12_a_member_downloads_a_copy_with_every_services_part_sealed_for_the_dossier(
    new_database, kafka, signer, provider, clock
):
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(identity_service, await new_database("identity"), kafka, clock) as identity,
        running(complaints_service, await new_database("complaints"), kafka, clock) as complaints,
        running(payments_service, await new_database("payments"), kafka, clock) as payments,
        running(einvoicing_service, await new_database("einvoicing"), kafka, clock) as einvoicing,
        client(identity) as identity_api,
        client(complaints) as complaints_api,
    ):
        await signer.known_by(dossier)
        await signer.known_by(complaints)
        await signer.known_by(payments)

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

        # Griet's visit to her GP and Lien's to the dentist are reimbursed; Lien has no account
        # of her own, so the day's run pays both into Griet's.
        async def known_to_payments() -> bool:
            async with payments.database.read() as conn:
                rows = await conn.execute(
                    select(payments_members.c.person_id, payments_members.c.iban)
                )
                known = dict(rows.all())
            return known.get(griet_id) == contact["iban"] and lien_id in known

        assert await eventually(known_to_payments), "payments never learnt Griet and Lien"
        care_date = brussels_day(clock.now()) - timedelta(days=3)
        await staff("payments", "RecordCareCertificate", _certificate("c-g", GRIET, care_date))
        lien_at_the_dentist = _certificate("c-l", LIEN, care_date, DENTIST, "371615", "49.50")
        await staff("payments", "RecordCareCertificate", lien_at_the_dentist)
        await run_payments(payments, clock, next_run_day(clock.now()))

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

            # Five services answer, each through its own consumer, relay and the dossier's:
            # on a loaded machine (CI's four workers on two cores) more than a minute.
            download = await eventually(downloaded, timeout=180)
            assert download, "the copy never became complete"
            jans_try = await dossier_api.get(export, headers=bearer(tokens[JAN]))

        async def answered_by_all() -> bool:
            runtimes = (dossier, identity, complaints, payments, einvoicing)
            answers = [await recorded(r, PersonalDataExported.type_name) for r in runtimes]
            return all(len(a) == 1 for a in answers)

        assert await eventually(answered_by_all), "not every service answered"

        async def dossier_holds_their_keys() -> dict:
            held = await _export_keys(dossier, request_id)
            return held if all(held.get(s) for s in SERVICES[1:]) else {}

        held = await eventually(dossier_holds_their_keys)
        assert held == dict.fromkeys(SERVICES, True)
        assert await _export_keys(identity, request_id) == {"identity": True}
        assert await _export_keys(complaints, request_id) == {"complaints": True}
        assert await _export_keys(payments, request_id) == {"payments": True}
        assert await _export_keys(einvoicing, request_id) == {"einvoicing": True}

        # What the topics carry: the parts sealed, the keys wrapped for the dossier.
        published = {s: await _exported_on(kafka, s) for s in SERVICES}

        async def keys_on_topics() -> dict:
            # Each service's relay publishes its key of the copy on its own time.
            read = {
                s: await everything_on(kafka.bootstrap_servers, keys_topic(kafka, s))
                for s in SERVICES[1:]
            }
            return read if all(read.values()) else {}

        shared = await eventually(keys_on_topics, timeout=60)
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
        for runtime, service in (
            (identity, "identity"),
            (payments, "payments"),
            (einvoicing, "einvoicing"),
        ):
            # Each service's own timer shreds its key; the dossier may shred its copy first.
            async def shredded_by_itself(runtime=runtime, service=service) -> bool:
                return await _export_keys(runtime, request_id) == {service: False}

            assert await eventually(shredded_by_itself), service
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
        for secret in (GRIET, "Vandekerckhove", "griet.v@example.org", "Kinesitherapie", GP[1]):
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

    paid = parts["payments"]
    [gp_visit] = paid["reimbursements"]
    assert (gp_visit["certificate_id"], gp_visit["care_date"]) == ("c-g", care_date.isoformat())
    assert (gp_visit["provider_name"], gp_visit["code"]) == (GP[1], "101076")
    assert gp_visit["description"] and gp_visit["fee_asked"] == "33.73"
    assert (gp_visit["status"], gp_visit["paid_into"]) == ("paid", griet_id)
    [payment] = paid["payments"]
    assert (payment["iban"], payment["account_holder"]) == (contact["iban"], "Griet Vandekerckhove")
    assert payment["payment_id"] == gp_visit["payment_id"]
    assert payment["value_date"] == gp_visit["value_date"]
    # Lien's reimbursement went into Griet's account: the payment shows whose it was, by id.
    assert sorted((i["certificate_id"], i["person_id"]) for i in payment["items"]) == [
        ("c-g", griet_id),
        ("c-l", lien_id),
    ]
    assert sum(D(i["amount"]) for i in payment["items"]) == D(payment["amount"])
    assert (paid["maf_refunds"], paid["benefits"]) == ([], [])
    [bill] = paid["maximum_bill"]
    assert (bill["year"], bill["chronic_illness_recognised"]) == (care_date.year, False)
    assert D(bill["co_payments_counted"]) == D(gp_visit["co_payment"])  # Lien's was nil

    invoicing = parts["einvoicing"]
    assert invoicing["invoiced_as"] == {
        "booklet_id": "b-g",
        "role": "holder",
        "name": "Griet Vandekerckhove",
        "birth_date": "1979-02-14",
        "language": "nl",
        "address": invoicing["invoiced_as"]["address"],
        "email": "griet.v@example.org",
        "phone": None,
    }
    assert invoicing["invoiced_as"]["address"]["street"].startswith("Veldstraat")
    # Her portal account switched e-invoicing on (INV-1); no Neutra cover, so no invoice.
    [on] = invoicing["invoice_delivery"]
    assert (on["electronic"], on["notify"], on["channel"]) == (True, True, "email")
    assert (invoicing["insurances_invoiced"], invoicing["invoices"]) == ([], [])

    copy = str(parts)
    for theirs in (*NOT_GRIETS, accounts[JAN]):
        assert theirs not in copy, theirs
    for secret in ("hash", "secret", "totp", "refresh", "$argon2", PASSWORD):
        assert secret not in copy, secret

    # Shredded: every part now reads as erased, at the dossier too.
    assert after == {service: {ERASED_KEY: "export"} for service in SERVICES}


def _griet():
    return facts.person(
        GRIET, first_name="Griet", last_name="Vandekerckhove", birth_date=date(1979, 2, 14)
    )


def _json(person) -> dict:
    return person.model_dump(mode="json")


def _certificate(cid, nrn, day, provider=GP, code="101076", fee="33.73") -> dict:
    riziv, name = provider
    certificate = {
        "certificate_id": cid,
        "national_register_number": nrn,
        "care_date": day.isoformat(),
        "provider_riziv_number": riziv,
        "provider_name": name,
        "code": code,
        "fee_asked": fee,
    }
    return {"certificate": certificate}


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

    async def exported():
        records = await everything_on(kafka.bootstrap_servers, events_topic(kafka, service))
        return [r for r in records if b'"PersonalDataExported"' in r.value]

    # Read again if a busy broker kept a partition quiet longer than everything_on waits.
    [record] = await eventually(exported)
    return EventEnvelope.model_validate_json(record.value), record.value


async def test_dos12_an_erasure_shreds_the_copies_made_of_the_person_in_every_service(
    new_database, kafka, signer, clock
):
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(identity_service, await new_database("identity"), kafka, clock) as identity,
        running(complaints_service, await new_database("complaints"), kafka, clock) as complaints,
        running(payments_service, await new_database("payments"), kafka, clock) as payments,
        running(einvoicing_service, await new_database("einvoicing"), kafka, clock) as einvoicing,
    ):
        await signer.known_by(dossier)
        sent = await signer.send(
            "dossier", "EnrolMember", {"booklet_id": "b-g", "holder": _json(_griet())}
        )
        assert sent.status == "accepted", sent.reason
        griet_id = await facts.person_id_in(dossier, GRIET)
        request_id = str(uuid.uuid4())
        await facts.record_copy_request(dossier, request_id, griet_id)

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
                and await _export_keys(payments, request_id) == {"payments": False}
                and await _export_keys(einvoicing, request_id) == {"einvoicing": False}
            )

        assert await eventually(shredded_everywhere), await _export_keys(dossier, request_id)
        # Identity told the dossier its key is shredded: the latest record of the key says so.
        shared = await everything_on(kafka.bootstrap_servers, keys_topic(kafka, "identity"))

    assert b'"wrapped":null' in shared[-1].value
