"""Issue 9, items 1 and 2: the repository contract, run alike on SQLite, PostgreSQL and the
in-memory store handlers are unit-tested on: an aggregate is rebuilt from its stream, saved with
the version it was loaded at, refused on a concurrent change, never stored twice for the same
cause, and nothing is kept of a unit of work that was not committed."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import ClassVar

import pytest

from shared.aggregate import Aggregate
from shared.clock import FakeClock
from shared.contracts import Actor
from shared.contracts.dossier import ContactDetailsChanged
from shared.contracts.payments import CoPaymentsCounted, HouseholdCount
from shared.eventstore import EventStore, Timer, WrongExpectedVersion, connect, unit_of_work
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.repository import Repository, derived_ids
from shared.keys import KekSettings

ACTOR = Actor(account_id="staff-1", role="member_services", authenticated_by="pwd")


@dataclass
class Contacts(Aggregate):
    """A small aggregate: the e-mail addresses one booklet's holder had, in order."""

    booklet_id: str
    emails: list[str] = field(default_factory=list)

    @classmethod
    def stream(cls, booklet_id: str) -> str:
        return f"contacts-{booklet_id}"

    def change(self, email: str) -> None:
        if self.emails and self.emails[-1] == email:
            raise ValueError("no change")
        self.record(ContactDetailsChanged(booklet_id=self.booklet_id, person_id="p-1", email=email))

    def apply(self, event: ContactDetailsChanged) -> None:
        self.emails.append(event.email)


class Backend:
    """One store, SQL or in memory, behind the same two calls."""

    def __init__(self, store, clock: FakeClock) -> None:
        self.store, self.clock = store, clock

    @asynccontextmanager
    async def work(self):
        if isinstance(self.store, InMemoryEventStore):
            async with self.store.unit_of_work(self.clock) as uow:
                yield uow
        else:
            async with unit_of_work(self.store, self.clock) as uow:
                yield uow

    def repository(self, uow, cause: str) -> Repository:
        return Repository(uow, ids=derived_ids(cause), correlation_id=cause, actor=ACTOR)


@pytest.fixture(params=["sqlite", "postgresql", "memory"])
async def backend(request, tmp_path):
    clock = FakeClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
    if request.param == "memory":
        yield Backend(InMemoryEventStore("dossier"), clock)
        return
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'contract.sqlite'}"
    else:
        url = await request.getfixturevalue("postgres_server").create_database()
    database = connect(url)
    await database.migrate()
    yield Backend(
        EventStore(database, producer="dossier", kek=KekSettings().key_encryption_key()), clock
    )
    await database.dispose()


async def change(backend: Backend, booklet: str, email: str, cause: str | None = None) -> list:
    async with backend.work() as uow:
        aggregates = backend.repository(uow, cause or str(uuid.uuid4()))
        contacts = await aggregates.get(Contacts, booklet)
        contacts.change(email)
        stored = await aggregates.save(contacts)
        await uow.commit()
    return stored


async def load(backend: Backend, booklet: str) -> Contacts:
    async with backend.work() as uow:
        return await backend.repository(uow, "reading").get(Contacts, booklet)


async def test_an_aggregate_is_rebuilt_from_what_was_saved(backend):
    await change(backend, "b1", "a@example.be")
    [stored] = await change(backend, "b1", "b@example.be")

    contacts = await load(backend, "b1")

    assert (contacts.emails, contacts.version, contacts.pending) == (
        ["a@example.be", "b@example.be"],
        2,
        [],
    )
    assert (stored.stream_id, stored.stream_version, stored.actor) == ("contacts-b1", 2, ACTOR)
    assert stored.type == "ContactDetailsChanged" and stored.producer == "dossier"


async def test_a_new_aggregate_has_no_version_and_nothing_pending(backend):
    contacts = await load(backend, "nobody")

    assert contacts.is_new and contacts.stream_id == "contacts-nobody"


async def test_saving_after_a_concurrent_change_is_a_conflict(backend):
    await change(backend, "b1", "a@example.be")
    async with backend.work() as uow:
        stale = await backend.repository(uow, "late").get(Contacts, "b1")
    await change(backend, "b1", "b@example.be")

    stale.change("c@example.be")
    async with backend.work() as uow:
        with pytest.raises(WrongExpectedVersion):
            await backend.repository(uow, "late").save(stale)

    assert (await load(backend, "b1")).emails == ["a@example.be", "b@example.be"]


async def test_the_same_cause_saved_again_stores_nothing_twice(backend):
    first = await change(backend, "b1", "a@example.be", cause="command:1")

    again = await change(backend, "b1", "b@example.be", cause="command:1")

    assert len(first) == 1 and again == []


async def test_what_was_not_committed_is_not_kept(backend):
    async with backend.work() as uow:
        aggregates = backend.repository(uow, "dropped")
        contacts = await aggregates.get(Contacts, "b1")
        contacts.change("a@example.be")
        await aggregates.save(contacts)
        await uow.schedule(Timer("t1", "reminder", backend.clock.now()))
        assert (await aggregates.get(Contacts, "b1")).emails == ["a@example.be"]

    assert (await load(backend, "b1")).is_new
    async with backend.work() as uow:
        assert await uow.claim_timer("t1") is False


async def test_timers_and_messages_are_settled_once(backend):
    async with backend.work() as uow:
        await uow.schedule(Timer("t1", "reminder", backend.clock.now()))
        first_claim = await uow.claim_message("commands", "m1")
        await uow.commit()
    async with backend.work() as uow:
        fired, again = await uow.claim_timer("t1"), await uow.claim_timer("t1")
        second_claim = await uow.claim_message("commands", "m1")

    assert (first_claim, fired, again, second_claim) == (True, True, False, False)


@dataclass
class Sequence(Aggregate):
    """A register whose state is its length: loaded without reading its history."""

    name: str
    length_is_state: ClassVar[bool] = True

    @classmethod
    def stream(cls, name: str) -> str:
        return f"sequence-{name}"

    def next(self) -> None:
        self.record(ContactDetailsChanged(booklet_id=self.name, person_id="p-1"))

    def apply(self, event) -> None:
        pass


async def test_an_aggregate_whose_state_is_its_length_is_loaded_at_its_version(backend):
    for n in range(3):
        async with backend.work() as uow:
            aggregates = backend.repository(uow, f"issue:{n}")
            sequence = await aggregates.get(Sequence, "2026")
            sequence.next()
            await aggregates.save(sequence)
            await uow.commit()

    async with backend.work() as uow:
        loaded = await backend.repository(uow, "reading").get(Sequence, "2026")

    assert (loaded.version, loaded.stream_id) == (3, "sequence-2026")


async def test_an_aggregate_saved_twice_in_one_piece_of_work_keeps_both_saves(backend):
    async with backend.work() as uow:
        aggregates = backend.repository(uow, "command:2")
        contacts = await aggregates.get(Contacts, "b1")
        contacts.change("a@example.be")
        await aggregates.save(contacts)
        contacts.change("b@example.be")
        await aggregates.save(contacts)
        await uow.commit()

    assert (await load(backend, "b1")).emails == ["a@example.be", "b@example.be"]


@dataclass
class Tally(Aggregate):
    """An aggregate whose stream grows long: co-payments counted batch after batch."""

    booklet_id: str
    counted: list[str] = field(default_factory=list)
    snapshot_every: ClassVar[int] = 3

    @classmethod
    def stream(cls, booklet_id: str) -> str:
        return f"tally-{booklet_id}"

    def count(self, certificate_id: str) -> None:
        counted = HouseholdCount(
            booklet_id=self.booklet_id,
            year=2026,
            amount=Decimal("4.00"),
            counted=Decimal("4.00") * (len(self.counted) + 1),
        )
        self.record(CoPaymentsCounted(batch_id=certificate_id, households=[counted]))

    def apply(self, event: CoPaymentsCounted) -> None:
        self.counted.append(event.batch_id)


@dataclass
class TallyReshaped(Tally):
    snapshot_schema: ClassVar[int] = 2


async def count(backend: Backend, *booklets: str) -> None:
    async with backend.work() as uow:
        aggregates = backend.repository(uow, str(uuid.uuid4()))
        tallies = await aggregates.get_many(Tally, [(b,) for b in booklets])
        for tally in tallies:
            tally.count(f"c-{tally.booklet_id}-{tally.version + 1}")
        await aggregates.save(*tallies)
        await uow.commit()


async def test_issue11_a_long_stream_is_loaded_from_its_snapshot_and_the_events_after(backend):
    for _ in range(7):
        await count(backend, "b1", "b2")
    await count(backend, "b3")

    async with backend.work() as uow:
        kept = await uow.snapshots(["tally-b1", "tally-b3"], Tally.snapshot_schema)
        loaded = await backend.repository(uow, "reading").get_many(Tally, [("b1",), ("b3",)])
        after = await uow.read_streams(["tally-b1"], {"tally-b1": kept["tally-b1"][0]})

    # Kept at the save that passed 6 events, not at the 7th; none for a short stream.
    assert kept == {
        "tally-b1": (6, {"booklet_id": "b1", "counted": [f"c-b1-{n}" for n in range(1, 7)]})
    }
    assert [len(events) for events in after.values()] == [1]
    b1, b3 = loaded
    assert (b1.counted, b1.version) == ([f"c-b1-{n}" for n in range(1, 8)], 7)
    assert (b3.counted, b3.version, b3.stream_id) == (["c-b3-1"], 1, "tally-b3")


async def test_issue11_a_snapshot_of_another_shape_is_ignored(backend):
    for _ in range(4):
        await count(backend, "b1")

    async with backend.work() as uow:
        [reshaped] = await backend.repository(uow, "reading").get_many(TallyReshaped, [("b1",)])

    assert (reshaped.counted, reshaped.version) == ([f"c-b1-{n}" for n in range(1, 5)], 4)


async def test_issue11_aggregates_saved_together_are_stored_together_or_not_at_all(backend):
    await count(backend, "b1", "b2")
    async with backend.work() as uow:
        stale = await backend.repository(uow, "late").get(Tally, "b2")
    await count(backend, "b2")

    async with backend.work() as uow:
        aggregates = backend.repository(uow, "late")
        fresh = await aggregates.get(Tally, "b1")
        fresh.count("c-b1-late")
        stale.count("c-b2-late")
        with pytest.raises(WrongExpectedVersion):
            await aggregates.save(fresh, stale)

    async with backend.work() as uow:
        b1, b2 = await backend.repository(uow, "reading").get_many(Tally, [("b1",), ("b2",)])
    assert (b1.counted, b2.counted) == (["c-b1-1"], ["c-b2-1", "c-b2-2"])


async def test_issue11_no_keys_load_no_aggregates(backend):
    await count(backend, "b1")

    async with backend.work() as uow:
        assert await backend.repository(uow, "reading").get_many(Tally, []) == []
