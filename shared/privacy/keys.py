"""The data keys of one service's database: made on first use, kept wrapped by the service's KEK
(shared.keys), shredded on erasure or at the end of their retention.

A key belongs to the service that made it (`owner`), a subject (a person's or a complaint's id)
and a category: shredding a person's contact data leaves their financial records readable
for as long as the law keeps them. Shredding keeps the row without the key, so a reader tells
"erased" from "not received yet"."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.eventstore.schema import data_keys
from shared.keys import KEY_BYTES, CannotUnwrap, KeyEncryptionKey
from shared.privacy.marking import Category
from shared.privacy.sealing import SHREDDED, KeyId, Shredded

OwnedKeyId = tuple[str, str, Category]  # (owner, subject, category)

_KEY_ID = (data_keys.c.owner, data_keys.c.subject, data_keys.c.category)
_PER_QUERY = 500  # keys looked up per query: a rebuild's batch of events in one or two


def wrapping_context(owner: str, subject: str, category: str) -> bytes:
    """Bound to the wrapped key: a blob moved to another row does not unwrap."""
    return f"data-key\0{owner}\0{subject}\0{category}".encode()


class WrongKek(Exception):
    """This service's KEK does not unwrap the data keys its database holds."""


async def check_kek(conn: AsyncConnection, kek: KeyEncryptionKey) -> None:
    """Raises WrongKek unless `kek` unwraps a data key of this database (when it holds one):
    a service started with another KEK would otherwise read everything personal as unreadable
    and seal new data under keys nobody else can open."""
    row = (
        await conn.execute(
            select(*_KEY_ID, data_keys.c.wrapped).where(data_keys.c.wrapped.is_not(None)).limit(1)
        )
    ).first()
    if row is None:
        return
    owner, subject, category, wrapped = row
    try:
        kek.unwrap(wrapped, wrapping_context(owner, subject, category))
    except CannotUnwrap as error:
        raise WrongKek(
            f"the configured KEK ({kek.key_id}) does not open this database's data keys: {error}"
        ) from None


class DataKeys:
    """The keys in one connection's transaction, unwrapped for the work at hand only (never
    cached across units of work: a key shredded by another replica must not live on here)."""

    def __init__(self, conn: AsyncConnection, kek: KeyEncryptionKey) -> None:
        self.conn, self.kek = conn, kek

    async def for_opening(self, wanted: Iterable[OwnedKeyId]) -> dict[OwnedKeyId, bytes | Shredded]:
        """The keys held of those wanted: a key, or SHREDDED; absent when never held here."""
        wanted = sorted(set(wanted))
        held: dict[OwnedKeyId, bytes | Shredded] = {}
        for start in range(0, len(wanted), _PER_QUERY):
            rows = await self.conn.execute(
                select(*_KEY_ID, data_keys.c.wrapped).where(
                    tuple_(*_KEY_ID).in_(wanted[start : start + _PER_QUERY])
                )
            )
            for owner, subject, category, wrapped in rows:
                key_id = (owner, subject, category)
                held[key_id] = (
                    SHREDDED
                    if wrapped is None
                    else self.kek.unwrap(wrapped, wrapping_context(*key_id))
                )
        return held

    async def for_sealing(
        self, owner: str, wanted: Iterable[KeyId], now: datetime
    ) -> dict[KeyId, bytes | Shredded]:
        """This service's keys of those wanted, made for subjects that have none yet."""
        wanted = set(wanted)
        owned = {(owner, subject, category) for subject, category in wanted}
        held = await self.for_opening(owned)
        missing = owned - held.keys()
        if missing:
            await self._make(missing, now)
            held.update(await self.for_opening(missing))  # ours, or a concurrent writer's
        return {(subject, category): key for (_, subject, category), key in held.items()}

    async def _make(self, key_ids: set[OwnedKeyId], now: datetime) -> None:
        rows = []
        for owner, subject, category in key_ids:
            key = os.urandom(KEY_BYTES)
            wrapped = self.kek.wrap(key, wrapping_context(owner, subject, category))
            rows.append(
                dict(
                    owner=owner, subject=subject, category=category, wrapped=wrapped, created_at=now
                )
            )
        insert = postgres_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        # Two writers may make the same subject's first key at once: the first one stays.
        await self.conn.execute(insert(data_keys).on_conflict_do_nothing(), rows)

    async def shred(
        self, subject: str, now: datetime, categories: Iterable[Category] | None = None
    ) -> int:
        """Shreds the subject's keys (of every owner; of `categories` only, when given): what
        they sealed is erased wherever it is stored or published. The number shredded."""
        query = update(data_keys).where(
            data_keys.c.subject == subject, data_keys.c.wrapped.is_not(None)
        )
        if categories is not None:
            query = query.where(data_keys.c.category.in_(list(categories)))
        result = await self.conn.execute(query.values(wrapped=None, shredded_at=now))
        return result.rowcount
