"""The event store contract, run against SQLite and PostgreSQL (the `database` fixture)."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict

import pytest

from shared.clock import SystemClock
from shared.eventstore import EventStore, Position, WrongExpectedVersion, unit_of_work
from shared.keys import KekSettings
from tests.support.events import pending, random_stream


@pytest.fixture
def store(database) -> EventStore:
    return EventStore(database, producer="complaints", kek=KekSettings().key_encryption_key())


async def append(store, stream, expected, events, clock=SystemClock()):
    async with unit_of_work(store, clock) as uow:
        recorded = await uow.append(stream, expected, events, correlation_id="c-1")
        await uow.commit()
        return recorded


async def test_two_writers_with_the_same_expected_version_exactly_one_wins(store):
    stream = random_stream()
    await append(store, stream, 0, [pending()])

    results = await asyncio.gather(
        append(store, stream, 1, [pending()]),
        append(store, stream, 1, [pending()]),
        return_exceptions=True,
    )

    assert sum(isinstance(r, WrongExpectedVersion) for r in results) == 1
    assert sum(isinstance(r, list) for r in results) == 1
    async with store.database.read() as conn:
        assert [e.stream_version for e in await store.read_stream(conn, stream)] == [1, 2]


async def test_a_conflicting_append_writes_nothing(store):
    stream = random_stream()
    await append(store, stream, 0, [pending(), pending()])

    with pytest.raises(WrongExpectedVersion, match="at version 2, the append expected 1"):
        await append(store, stream, 1, [pending()])

    async with store.database.read() as conn:
        assert len(await store.read_all(conn)) == 2


async def test_reappending_stored_event_ids_changes_nothing(store):
    stream = random_stream()
    events = [pending(), pending()]
    first = await append(store, stream, 0, events)

    again = await append(store, stream, 0, events)

    assert len(first) == 2 and again == []
    async with store.database.read() as conn:
        assert len(await store.read_stream(conn, stream)) == 2


# Appends a stream: enough contention (ten writers on every stream) to lose races often; 100
# took over two minutes on SQLite alone, past the test timeout on a busy machine.
PER_STREAM = 30


async def test_ten_writers_on_a_hundred_streams_with_readers_following(store):
    streams = [random_stream() for _ in range(100)]
    work = [s for s in streams for _ in range(PER_STREAM)]
    random.Random(7).shuffle(work)
    done = asyncio.Event()
    seen_by_reader: list[list[str]] = [[], []]

    async def writer(mine: list[str]) -> None:
        for stream in mine:
            while True:
                async with store.database.read() as conn:
                    version = await store.stream_version(conn, stream)
                try:
                    await append(store, stream, version, [pending()])
                    break
                except WrongExpectedVersion:
                    continue  # another writer appended first: retry on the new version

    async def reader(seen: list[str]) -> None:
        after = Position(0, 0)
        while not done.is_set() or len(seen) < len(work):
            async with store.database.read() as conn:
                batch = await store.read_all(conn, after, limit=500)
            if batch:
                assert all(b.position > after for b in batch)
                after = batch[-1].position
                seen.extend(b.envelope.event_id for b in batch)
            else:
                await asyncio.sleep(0.01)

    readers = [asyncio.create_task(reader(seen)) for seen in seen_by_reader]
    await asyncio.gather(*(writer(work[i::10]) for i in range(10)))
    done.set()
    await asyncio.wait_for(asyncio.gather(*readers), 60)

    async with store.database.read() as conn:
        everything = []
        after = Position(0, 0)
        while batch := await store.read_all(conn, after, limit=5000):
            everything += batch
            after = batch[-1].position
    versions = defaultdict(list)
    for recorded in everything:
        versions[recorded.envelope.stream_id].append(recorded.envelope.stream_version)
    assert len(everything) == len(work)
    assert all(v == list(range(1, PER_STREAM + 1)) for v in versions.values())
    # Each reader saw every event exactly once, none skipped, in the store's order.
    in_order = [r.envelope.event_id for r in everything]
    assert all(seen == in_order for seen in seen_by_reader)
