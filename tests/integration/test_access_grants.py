"""ID-7 wired: identity decides a holder's access to each person of the booklet from the
dossier's facts, the person's say and the federation's policy, records every change as an
event, moves with the fake clock through birthdays and the month to block, and every service
enforces it from its own access projection (here identity's and the dossier's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from services.dossier.app import definition as dossier_service
from services.identity.app import definition as identity_service
from services.identity.domain.person_access import BRUSSELS
from shared.access.read_model import grants
from shared.clock import FakeClock
from tests.support import dossier
from tests.support.http import bearer, client
from tests.support.identity_provider import register_with_digital_key
from tests.support.procedure import fire
from tests.support.services import running
from tests.support.waiting import eventually

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
HOLDER = dossier.insz(date(1985, 7, 30), 33)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def federation() -> str:
    return "socialist"


@pytest.fixture
async def identity(database_url, kafka, signer, provider, clock, federation, monkeypatch):
    monkeypatch.setenv("MUTUALIS_FEDERATION", federation)
    async with running(identity_service, database_url, kafka, clock) as runtime:
        await signer.known_by(runtime)
        yield runtime


async def booklet_with(kafka, identity, *children: tuple[str, date]) -> str:
    """Publishes the dossier's facts (a booklet of HOLDER with these children) and waits until
    identity knows them."""
    booklet_id = f"b-{children[0][0]}"
    facts = [dossier.member_enrolled(HOLDER, booklet_id)]
    facts += [dossier.dependant_added(booklet_id, nrn, birth_date=born) for nrn, born in children]
    await dossier.publish(
        kafka, *(dossier.envelope(f, booklet_id, n) for n, f in enumerate(facts, start=1))
    )
    for nrn, _ in children:
        assert await eventually(lambda: _known_member(identity, nrn))  # noqa: B023
    return booklet_id


async def granted(runtime, person: str) -> bool:
    """Whether the access projection lets HOLDER act for `person` (grants name person ids)."""
    holder, person = dossier.person_id(HOLDER), dossier.person_id(person)
    async with runtime.database.read() as conn:
        found = await conn.scalar(
            select(grants.c.person).where(grants.c.holder == holder, grants.c.person == person)
        )
    return found is not None


async def becomes(runtime, person: str, expected: bool) -> bool:
    async def settled():
        return await granted(runtime, person) == expected

    return await eventually(settled)


async def decisions(runtime, person: str) -> list[tuple[str, str]]:
    async with runtime.database.read() as conn:
        stored = await runtime.store.read_all(conn, settled=False)
    return [
        (r.envelope.type, r.envelope.payload["why"])
        for r in stored
        if r.envelope.type in ("AccessGranted", "AccessRevoked")
        and r.envelope.payload["person"] == dossier.person_id(person)
    ]


def midnight_in_brussels(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=BRUSSELS)


async def register(api, provider: str, person: str) -> None:
    assert (await register_with_digital_key(api, provider, person, PASSWORD)).status_code == 201


async def log_in(api, person: str) -> str:
    """A fresh access token: one issued before the fake clock moved has expired."""
    login = await api.post("/login", json={"login": person, "password": PASSWORD})
    return login.json()["access_token"]


async def test_id7_emut_a_parent_sees_a_child_until_16_then_only_with_its_mandate(
    identity, kafka, signer, clock
):
    child_born = date(2010, 3, 10)
    child = dossier.insz(child_born, 101)
    await booklet_with(kafka, identity, (child, child_born))
    assert await becomes(identity, child, True)

    clock.set(midnight_in_brussels(date(2026, 3, 10)) - timedelta(seconds=1))
    assert await fire(identity) == 0  # the birthday timer is not due yet
    clock.set(midnight_in_brussels(date(2026, 3, 10)))
    assert await becomes(identity, child, False)

    mandate = await signer.send(
        "identity", "GiveAccessMandate", {"person": dossier.person_id(child)}, "member_services"
    )
    assert mandate.status == "accepted", mandate.reason
    assert await becomes(identity, child, True)
    assert await decisions(identity, child) == [
        ("AccessGranted", "child under 16"),
        ("AccessRevoked", "child of 16 or over without a mandate"),
        ("AccessGranted", "mandate given by the child"),
    ]


async def test_id7_emut_a_child_over_16_blocks_within_the_month_another_does_not(
    identity, kafka, provider, clock
):
    born = date(2009, 1, 15)
    blocking, trusting = dossier.insz(born, 201), dossier.insz(born, 203)
    await booklet_with(kafka, identity, (blocking, born), (trusting, born))
    async with client(identity) as api:
        await register(api, provider, blocking)
        await register(api, provider, trusting)

        clock.advance(timedelta(days=29))
        refused = await api.post("/access/refusal", headers=bearer(await log_in(api, blocking)))
        assert refused.status_code == 204, refused.text

    clock.advance(timedelta(days=3))  # past the month from registration
    assert await becomes(identity, trusting, True)
    assert not await granted(identity, blocking)
    assert await decisions(identity, trusting) == [
        ("AccessGranted", "the child did not block within the month")
    ]
    assert await decisions(identity, blocking) == []


@pytest.mark.parametrize("federation", ["liberal"])
async def test_id7_mylm_a_registered_minor_revokes_and_an_adult_grants_explicitly(
    identity, kafka, provider, clock
):
    minor_born, adult_born = date(2010, 6, 1), date(2007, 4, 1)
    minor, adult = dossier.insz(minor_born, 301), dossier.insz(adult_born, 303)
    await booklet_with(kafka, identity, (minor, minor_born), (adult, adult_born))
    assert await becomes(identity, minor, True)
    assert not await granted(identity, adult)

    async with client(identity) as api:
        await register(api, provider, minor)
        await register(api, provider, adult)
        minor_token, adult_token = await log_in(api, minor), await log_in(api, adult)
        assert (await api.post("/access/refusal", headers=bearer(minor_token))).status_code == 204
        assert (await api.post("/access/mandate", headers=bearer(adult_token))).status_code == 204
        again = await api.post("/access/mandate", headers=bearer(adult_token))

    assert await becomes(identity, minor, False)
    assert await becomes(identity, adult, True)
    assert (
        again.status_code == 409 and again.json()["detail"] == "the holder already has your mandate"
    )


async def test_id7_the_dossier_shows_a_member_only_the_persons_identity_lets_them_see(
    identity, kafka, signer, provider, clock, tmp_path
):
    child_born = date(2010, 3, 10)
    child, stranger = dossier.insz(child_born, 401), dossier.insz(date(1990, 1, 1), 403)
    dossier_db = f"sqlite+aiosqlite:///{tmp_path / 'dossier.sqlite'}"
    async with running(dossier_service, dossier_db, kafka, clock) as files:
        await signer.known_by(files)
        for booklet_id, nrn, born, dependants in [
            ("b1", HOLDER, date(1985, 7, 30), [(child, child_born)]),
            ("b2", stranger, date(1990, 1, 1), []),
        ]:
            holder = _payload(nrn, born)
            sent = await signer.send(
                "dossier", "EnrolMember", {"booklet_id": booklet_id, "holder": holder}, "admin"
            )
            assert sent.status == "accepted", sent.reason
            for dependant, dependant_born in dependants:
                added = {"booklet_id": booklet_id, "dependant": _payload(dependant, dependant_born)}
                sent = await signer.send("dossier", "AddDependant", added, "admin")
                assert sent.status == "accepted", sent.reason
        async with client(identity) as accounts, client(files) as api:
            assert await eventually(lambda: _known_member(identity, HOLDER))
            await register(accounts, provider, HOLDER)
            token = await log_in(accounts, HOLDER)

            async def persons_seen():
                response = await api.get("/persons", headers=bearer(token))
                return sorted(p["national_register_number"] for p in response.json())

            assert await eventually(lambda: _equals(persons_seen, sorted([HOLDER, child])))
            email = {"email": "lotte@example.be"}
            child_id, stranger_id = (
                await dossier.person_id_in(files, child),
                await dossier.person_id_in(files, stranger),
            )
            mine = await api.patch(
                f"/persons/{child_id}/contact-details", json=email, headers=bearer(token)
            )
            theirs = await api.patch(
                f"/persons/{stranger_id}/contact-details", json=email, headers=bearer(token)
            )
            assert (mine.status_code, theirs.status_code) == (204, 404)
            assert (await api.get("/booklets/b2", headers=bearer(token))).status_code == 404

            clock.set(midnight_in_brussels(date(2026, 3, 10)))  # the child turns 16
            token = await log_in(accounts, HOLDER)
            assert await eventually(lambda: _equals(persons_seen, [HOLDER]))
            late = await api.patch(
                f"/persons/{child_id}/contact-details", json=email, headers=bearer(token)
            )
            assert late.status_code == 404


def _payload(nrn: str, born: date) -> dict:
    return dossier.person(nrn, birth_date=born).model_dump(mode="json", exclude_none=True)


async def _known_member(identity, nrn: str) -> bool:
    from services.identity.adapters.members import Members

    async with identity.database.read() as conn:
        return await Members(conn).find(nrn) is not None


async def _equals(check, expected) -> bool:
    return await check() == expected
