"""Issue 10, principle 7: a service's command keys in its own database, on SQLite and
PostgreSQL (shared.privacy.command_keys): one per UTC day, made a day ahead, the private key
only wrapped by the service's KEK, destroyed when the commands topic's retention and a day
have passed since its day ended; each state published once per Kafka cluster."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from shared.eventstore.schema import command_keys
from shared.keys import CannotUnwrap, LocalKek
from shared.messaging.topics import COMMANDS_RETENTION
from shared.privacy.command_keys import (
    KEPT_AFTER_EPOCH,
    ROTATION,
    CommandKeys,
    check_kek,
    rotation_timer,
)
from shared.privacy.command_sealing import DESTROYED
from shared.privacy.keys import WrongKek

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
KEK = LocalKek([os.urandom(32)])


async def rotated(database, now: datetime, kek=KEK) -> None:
    async with database.begin() as conn:
        await CommandKeys(conn, kek, "dossier").rotate(now)


async def private(database, epoch: str, kek=KEK):
    async with database.read() as conn:
        return await CommandKeys(conn, kek, "dossier").private_key(epoch)


async def rows(database) -> dict[str, tuple]:
    async with database.read() as conn:
        found = await conn.execute(select(command_keys).order_by(command_keys.c.epoch))
        return {row.epoch: row for row in found}


async def test_issue10_p7_keys_are_made_for_today_and_tomorrow_wrapped_by_the_kek(database):
    await rotated(database, NOW)
    await rotated(database, NOW + timedelta(hours=1))  # again the same day: nothing new

    made = await rows(database)
    assert list(made) == ["2026-03-02", "2026-03-03"]
    today = made["2026-03-02"]
    key = await private(database, "2026-03-02")
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    assert raw not in today.wrapped  # stored only wrapped
    assert key.public_key().public_bytes_raw() == today.public_key
    assert (today.valid_from, today.valid_until) == (
        datetime(2026, 3, 2, tzinfo=UTC),
        datetime(2026, 3, 3, tzinfo=UTC),
    )
    assert await private(database, "2026-02-27") is None
    with pytest.raises(CannotUnwrap):
        await private(database, "2026-03-02", LocalKek([os.urandom(32)]))


async def test_issue10_p7_a_key_is_destroyed_once_the_commands_retention_and_a_day_have_passed(
    database,
):
    assert KEPT_AFTER_EPOCH == COMMANDS_RETENTION + timedelta(days=1) == timedelta(days=8)
    await rotated(database, NOW)
    ended = datetime(2026, 3, 3, tzinfo=UTC)  # when 2026-03-02 ended

    await rotated(database, ended + KEPT_AFTER_EPOCH - timedelta(seconds=1))
    assert await private(database, "2026-03-02") not in (None, DESTROYED)

    await rotated(database, ended + KEPT_AFTER_EPOCH)
    assert await private(database, "2026-03-02") is DESTROYED
    assert await private(database, "2026-03-03") not in (None, DESTROYED)
    kept = await rows(database)
    assert kept["2026-03-02"].wrapped is None and kept["2026-03-02"].public_key
    assert kept["2026-03-02"].destroyed_at == ended + KEPT_AFTER_EPOCH
    # Made meanwhile: the keys of the day the rotation ran, and of the next.
    assert {"2026-03-10", "2026-03-11", "2026-03-12"} <= set(kept)


async def test_issue10_p7_each_state_of_a_key_is_published_once_per_cluster(database):
    await rotated(database, NOW)

    async def unpublished(cluster: str):
        async with database.read() as conn:
            return await CommandKeys(conn, KEK, "dossier").unpublished(cluster, 100)

    async def published(records, cluster: str) -> None:
        async with database.begin() as conn:
            await CommandKeys(conn, KEK, "dossier").mark_published(records, cluster)

    made = await unpublished("cluster-a")
    assert [(r.epoch, r.destroyed, r.service) for r in made] == [
        ("2026-03-02", False, "dossier"),
        ("2026-03-03", False, "dossier"),
    ]
    await published(made, "cluster-a")
    assert await unpublished("cluster-a") == []

    await rotated(database, NOW + timedelta(days=9))
    now_destroyed = await unpublished("cluster-a")
    assert ("2026-03-02", True) in [(r.epoch, r.destroyed) for r in now_destroyed]
    assert [r.public_key for r in now_destroyed if r.epoch == "2026-03-02"] == [None]
    # A key destroyed after it was read stays to be published in its new state.
    await published(made, "cluster-a")
    assert "2026-03-02" in [r.epoch for r in await unpublished("cluster-a")]
    await published(await unpublished("cluster-a"), "cluster-a")
    assert await unpublished("cluster-a") == []
    # A new, empty broker gets every key again, destroyed ones as destroyed.
    again = await unpublished("cluster-b")
    assert len(again) == len(await rows(database))


def test_issue10_p7_the_rotation_timer_is_due_at_the_next_utc_midnight():
    timer = rotation_timer("dossier", NOW)

    assert (timer.kind, timer.due_at) == (ROTATION, datetime(2026, 3, 3, tzinfo=UTC))
    assert rotation_timer("dossier", NOW + timedelta(hours=1)).timer_id == timer.timer_id


async def test_issue10_p7_a_service_started_with_another_kek_stops_instead_of_refusing_commands(
    database,
):
    await rotated(database, NOW)

    async with database.read() as conn:
        await check_kek(conn, KEK, "dossier")
        with pytest.raises(WrongKek, match="does not open this database's command keys"):
            await check_kek(conn, LocalKek([os.urandom(32)]), "dossier")
