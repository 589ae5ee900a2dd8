"""DOS-10 (seed 000 "Documenten aanvragen en afdrukken"): in a running dossier, on SQLite and
PostgreSQL with a real broker, a member prints the label sheet, the return envelope, the
incapacity certificate form and the EHIC replacement certificate for herself and for her child,
in Dutch or French; another member learns nothing of them; member services print them for
anyone; once a membership ended (DOS-13) the fund certifies no card any more."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.dossier.app import definition as dossier_service
from shared.access.persons import Persons
from shared.contracts import Actor
from shared.contracts.access import AccessGranted
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually
from tests.unit.test_dossier_documents import text_of

ELS = "85073003328"
LOTTE = facts.insz(date(2014, 5, 15), 124)
JAN = facts.insz(date(1979, 3, 2), 45)
SHOWN = {ELS: "85.07.30-033.28"}
DOCUMENTS = ("labels", "envelope", "incapacity-form", "ehic-certificate")


@pytest.fixture
async def dossier(database_url, kafka, signer):
    async with running(dossier_service, database_url, kafka) as runtime:
        await signer.known_by(runtime)
        yield runtime


async def staff(signer, command: str, payload: dict) -> None:
    outcome = await signer.send("dossier", command, payload, "member_services")
    assert outcome.status == "accepted", outcome.reason


async def family(dossier, signer) -> dict[str, str]:
    """Els with her daughter Lotte on one booklet, Jan on another; Els and Jan are members with
    a portal account, Els may act for Lotte. Their person ids, and the booklets."""
    els_booklet, jan_booklet = str(uuid.uuid4()), str(uuid.uuid4())
    els = facts.person(ELS).model_dump(mode="json")
    lotte = facts.person(LOTTE, first_name="Lotte", birth_date=date(2014, 5, 15))
    jan = facts.person(JAN, first_name="Jan", last_name="Maes", birth_date=date(1979, 3, 2))
    await staff(signer, "EnrolMember", {"booklet_id": els_booklet, "holder": els})
    dependant = {"booklet_id": els_booklet, "dependant": lotte.model_dump(mode="json")}
    await staff(signer, "AddDependant", dependant)
    holder = {"booklet_id": jan_booklet, "holder": jan.model_dump(mode="json")}
    await staff(signer, "EnrolMember", holder)
    ids = {name: await facts.person_id_in(dossier, n) for name, n in (("els", ELS), ("jan", JAN))}
    ids["lotte"] = await facts.person_id_in(dossier, LOTTE)
    await signer.announce_member(dossier, "els", ELS, ids["els"])
    await signer.announce_member(dossier, "jan", JAN, ids["jan"])
    grant = AccessGranted(holder=ids["els"], person=ids["lotte"], why="child under 16")
    await signer.publish(grant, f"grant-{uuid.uuid4().hex}")

    async def granted() -> bool:
        async with dossier.database.read() as conn:
            els_account = Actor(account_id="els", role="member", authenticated_by="pwd")
            return ids["lotte"] in await Persons(conn).persons_of(els_account)

    assert await eventually(granted), "the dossier never learnt Els's access to Lotte"
    return ids | {"els_booklet": els_booklet, "jan_booklet": jan_booklet}


async def test_dos10_a_member_prints_each_document_for_herself_and_her_child(dossier, signer):
    ids = await family(dossier, signer)
    els = bearer(signer.token("member", "els"))

    async with client(dossier) as api:
        printed = {
            (who, document): await api.get(f"/persons/{ids[who]}/documents/{document}", headers=els)
            for who in ("els", "lotte")
            for document in DOCUMENTS
        }
        in_french = await api.get(
            f"/persons/{ids['lotte']}/documents/incapacity-form",
            params={"language": "fr"},
            headers=els,
        )

    for (who, document), response in printed.items():
        assert response.status_code == 200, (who, document, response.text)
        assert response.headers["content-type"] == "application/pdf"
        disposition = f'attachment; filename="{document}-{ids[who]}.pdf"'
        assert response.headers["content-disposition"] == disposition
        assert response.content.startswith(b"%PDF-")
    labels = text_of(printed["els", "labels"].content)
    assert labels.count("PEETERS Els") == labels.count(SHOWN[ELS]) == 24
    assert labels.count(f"Lidnr. {ids['els_booklet']}") == 24
    assert labels.count("Bond Moyson Oost-Vlaanderen") == 24
    assert "Veldstraat 12" in text_of(printed["lotte", "envelope"].content)
    assert "Tramstraat 69 9052 Zwijnaarde" in text_of(printed["els", "envelope"].content)
    form = text_of(printed["lotte", "incapacity-form"].content)
    assert "Getuigschrift van arbeidsongeschiktheid" in form and "Naam Peeters Lotte" in form
    ehic = text_of(printed["els", "ehic-certificate"].content)
    assert f"Persoonlijk identificatienummer {SHOWN[ELS]}" in ehic
    assert in_french.status_code == 200
    assert "Certificat d'incapacité de travail" in text_of(in_french.content)


async def test_dos10_another_member_learns_nothing_of_persons_she_may_not_act_on(dossier, signer):
    ids = await family(dossier, signer)
    jan = bearer(signer.token("member", "jan"))

    async with client(dossier) as api:
        refused = [
            await api.get(f"/persons/{ids[who]}/documents/{document}", headers=jan)
            for who in ("els", "lotte")
            for document in DOCUMENTS
        ]
        nobody = await api.get("/persons/no-such-id/documents/labels", headers=jan)
        anonymous = await api.get(f"/persons/{ids['els']}/documents/labels")

    for response in [*refused, nobody]:
        assert response.status_code == 404 and response.json()["code"] == "no_such_person"
    assert anonymous.status_code == 401


async def test_dos10_a_language_other_than_dutch_or_french_is_refused(dossier, signer):
    ids = await family(dossier, signer)
    els = bearer(signer.token("member", "els"))

    async with client(dossier) as api:
        refused = [
            await api.get(
                f"/persons/{ids['els']}/documents/{document}",
                params={"language": language},
                headers=els,
            )
            for document in DOCUMENTS
            for language in ("de", "NL", "")
        ]

    for response in refused:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["query", "language"]


async def test_dos10_member_services_print_anyones_documents_other_staff_none(dossier, signer):
    ids = await family(dossier, signer)
    member_services = bearer(signer.token("member_services"))

    async with client(dossier) as api:
        printed = [
            await api.get(
                f"/persons/{ids['jan']}/documents/{document}",
                params={"language": "fr"},
                headers=member_services,
            )
            for document in DOCUMENTS
        ]
        unknown = await api.get("/persons/no-such-id/documents/labels", headers=member_services)
        handler = await api.get(
            f"/persons/{ids['jan']}/documents/labels",
            headers=bearer(signer.token("complaints_handler")),
        )

    assert [response.status_code for response in printed] == [200] * len(DOCUMENTS)
    assert "MAES Jan" in text_of(printed[0].content)
    assert "Numéro d'identification personnel" in text_of(printed[3].content)
    assert unknown.status_code == 404 and unknown.json()["code"] == "no_such_person"
    assert handler.status_code == 403 and handler.json()["code"] == "role_not_allowed"


async def test_dos10_dos13_no_ehic_certificate_once_the_membership_ended(dossier, signer):
    ids = await family(dossier, signer)
    ended = {
        "booklet_id": ids["jan_booklet"],
        "person_id": ids["jan"],
        "reason": "emigrated",
        "on": "2026-01-31",
    }

    await staff(signer, "EndMembership", ended)

    await dossier.projector.run_until_caught_up()
    member_services = bearer(signer.token("member_services"))
    async with client(dossier) as api:
        jan = await api.get(
            f"/persons/{ids['jan']}/documents/ehic-certificate", headers=member_services
        )
        els = await api.get(
            f"/persons/{ids['els']}/documents/ehic-certificate", headers=member_services
        )
    assert jan.status_code == 409, jan.text
    assert jan.json()["code"] == "membership_ended"
    assert "the membership ended on 2026-01-31" in jan.json()["detail"]
    assert els.status_code == 200
