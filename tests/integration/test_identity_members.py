"""ID-1: the members identity keeps from the dossier's events, applied as its consumer applies
them (one transaction per event), on every backend."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import services.identity
from services.identity.adapters.members import Members, apply_dossier_event
from shared.clock import FakeClock
from shared.eventstore import EventStore, unit_of_work
from shared.eventstore.database import Migrations
from shared.keys import KekSettings
from tests.support import dossier

HOLDER, CHILD = "85073003328", "15010100129"


@pytest.fixture
async def store(database):
    folder = Path(services.identity.__file__).parent / "migrations"
    await database.migrate(Migrations(folder, "alembic_version_identity"))
    return EventStore(database, producer="identity", kek=KekSettings().key_encryption_key())


async def apply(store, *envelopes) -> None:
    for envelope in envelopes:
        async with unit_of_work(store, FakeClock()) as uow:
            await apply_dossier_event(uow, envelope)
            await uow.commit()


async def known(store, national_register_number: str):
    async with store.database.read() as conn:
        return await Members(conn).find(national_register_number)


async def test_id1_holders_and_dependants_become_members_with_their_contact_details(store):
    booklet = "booklet-1"
    await apply(
        store,
        dossier.envelope(dossier.member_enrolled(HOLDER, booklet), booklet, 1),
        dossier.envelope(
            dossier.dependant_added(booklet, CHILD, birth_date=date(2015, 1, 1)), booklet, 2
        ),
        dossier.envelope(
            dossier.contact_details_changed(
                booklet, HOLDER, email="els@example.be", phone="+32470123456"
            ),
            booklet,
            3,
        ),
        dossier.envelope(
            dossier.contact_details_changed(booklet, HOLDER, email="new@example.be"), booklet, 4
        ),
    )

    holder, child = await known(store, HOLDER), await known(store, CHILD)
    assert (holder.role, holder.booklet_id, holder.email, holder.phone) == (
        "holder",
        booklet,
        "new@example.be",
        "+32470123456",  # left out of the last change: kept
    )
    assert (child.role, child.booklet_id, child.email) == ("dependant", booklet, None)
    assert child.birth_date == date(2015, 1, 1)
    async with store.database.read() as conn:
        assert (await Members(conn).holder_of(booklet)).national_register_number == HOLDER


async def test_id1_a_person_the_dossier_never_mentioned_is_no_member(store):
    assert await known(store, HOLDER) is None
