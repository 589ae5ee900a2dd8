"""Issue 8, item 8: identity's private token-signing keys are at rest only wrapped by the
key-encryption key (shared.keys): its database holds none in clear, a key an older version kept
in clear is wrapped at start, a wrong or missing KEK stops identity from starting, a wrapped key
does not unwrap under another key id, and a rotated KEK takes over the keys of the old one."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError
from sqlalchemy import func, insert, select

from services.identity.adapters.private_tables import private_keys
from services.identity.adapters.signing_keys import SigningKeyLocked, context, private_pem
from services.identity.adapters.tokens import ensure_signing_key, issue_access_token
from services.identity.app import definition as identity_service
from shared.access.tokens import ALGORITHM, AUDIENCE
from shared.clock import FakeClock
from shared.eventstore import EventStore, connect, unit_of_work
from shared.keys import KekSettings, wrapped_by
from shared.service import Runtime
from tests.support.services import running, settings_for


@pytest.fixture
async def store(database_url):
    """Identity's database, migrated as identity migrates it, before identity ever started."""
    database = connect(database_url)
    await database.migrate(*identity_service.migrations)
    yield EventStore(database, producer="identity", kek=KekSettings().key_encryption_key())
    await database.dispose()


async def start(store: EventStore, clock: FakeClock) -> None:
    """What identity does with its signing keys when it starts."""
    async with unit_of_work(store, clock) as uow:
        await ensure_signing_key(uow, KekSettings().key_encryption_key())
        await uow.commit()


async def stored(store: EventStore) -> list:
    async with store.database.read() as conn:
        return (await conn.execute(select(private_keys))).all()


async def token(store: EventStore, clock: FakeClock) -> str:
    async with unit_of_work(store, clock) as uow:
        kek = KekSettings().key_encryption_key()
        return await issue_access_token(uow, "an-account", "member", clock.now(), "pwd", kek=kek)


def verifies(token: str, key: Ed25519PrivateKey) -> bool:
    claims = jwt.decode(token, key.public_key(), algorithms=[ALGORITHM], audience=AUDIENCE)
    return claims["sub"] == "an-account"


def use_kek(monkeypatch, *keys: bytes) -> None:
    monkeypatch.delenv("MUTUALIS_KEK_FILE", raising=False)
    monkeypatch.setenv("MUTUALIS_KEK", ",".join(base64.b64encode(key).decode() for key in keys))


def session_kek() -> bytes:
    return base64.b64decode(Path(os.environ["MUTUALIS_KEK_FILE"]).read_text())


async def test_issue8_8_identity_started_keeps_no_private_key_in_clear(database_url, kafka, clock):
    async with running(identity_service, database_url, kafka, clock, background=False) as identity:
        (row,) = await stored(identity.store)
        async with identity.database.read() as conn:
            published = await identity.store.read_stream(conn, f"signing-key-{row.key_id}")
        issued = await token(identity.store, clock)

    assert row.private_key_pem is None
    assert b"PRIVATE KEY" not in row.private_key_wrapped
    public_key = published[0].payload["public_key_pem"]
    assert jwt.decode(issued, public_key, algorithms=[ALGORITHM], audience=AUDIENCE)
    if database_url.startswith("sqlite"):
        database = Path(database_url.split("///", 1)[1])
        for file in database.parent.glob(f"{database.name}*"):  # with its WAL, if any is left
            assert b"PRIVATE KEY" not in file.read_bytes(), file


async def test_issue8_8_a_key_an_older_version_kept_in_clear_is_wrapped_at_start(store, clock):
    old_key = Ed25519PrivateKey.generate()
    async with store.database.begin() as conn:
        clear = private_pem(old_key).decode()
        await conn.execute(
            insert(private_keys).values(key_id="old", private_key_pem=clear, created_at=clock.now())
        )

    await start(store, clock)

    (row,) = await stored(store)
    assert row.key_id == "old" and row.private_key_pem is None
    kek = KekSettings().key_encryption_key()
    assert kek.unwrap(row.private_key_wrapped, context("old")) == private_pem(old_key)
    assert verifies(await token(store, clock), old_key)  # the key tokens are known by, kept


async def test_issue8_8_a_wrong_kek_makes_identity_refuse_to_start(
    database_url, kafka, store, clock, monkeypatch
):
    await start(store, clock)
    use_kek(monkeypatch, os.urandom(32))

    identity = Runtime(identity_service, settings_for("identity", database_url, kafka), clock)
    try:
        with pytest.raises(SigningKeyLocked, match="which is not configured") as refused:
            await identity.start(background=False)
    finally:
        await identity.stop()

    assert "MUTUALIS_KEK_FILE or MUTUALIS_KEK" in str(refused.value)


async def test_issue8_8_without_a_kek_identity_refuses_to_start(
    database_url, kafka, clock, monkeypatch
):
    monkeypatch.delenv("MUTUALIS_KEK_FILE")

    with pytest.raises(ValidationError, match="no key-encryption key: set MUTUALIS_KEK_FILE"):
        Runtime(identity_service, settings_for("identity", database_url, kafka), clock)


async def test_issue8_8_a_wrapped_key_copied_to_another_key_id_does_not_unwrap(store, clock):
    await start(store, clock)
    (row,) = await stored(store)
    forged = uuid.uuid4().hex
    async with store.database.begin() as conn:
        await conn.execute(
            insert(private_keys).values(
                key_id=forged,
                private_key_wrapped=row.private_key_wrapped,
                created_at=clock.now() + timedelta(seconds=1),  # the newest: tokens would use it
            )
        )

    with pytest.raises(SigningKeyLocked, match=f"{forged}: does not unwrap"):
        await start(store, clock)
    with pytest.raises(SigningKeyLocked):
        await token(store, clock)


async def test_issue8_8_a_rotated_kek_takes_over_the_keys_of_the_old_one(store, clock, monkeypatch):
    await start(store, clock)
    old, new = session_kek(), os.urandom(32)

    use_kek(monkeypatch, new, old)  # the new KEK first: it wraps, both unwrap
    await start(store, clock)
    (row,) = await stored(store)
    assert wrapped_by(row.private_key_wrapped) == KekSettings().key_encryption_key().key_id

    use_kek(monkeypatch, new)  # the old KEK retired
    await start(store, clock)
    assert await token(store, clock)
    async with store.database.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(private_keys)) == 1
