"""The data keys of one service's database: made on first use, kept wrapped by the service's KEK
(shared.keys), shredded on erasure or at the end of their retention.

A key belongs to the service that made it (`owner`), a subject (a person's or a complaint's id)
and a category: shredding a person's contact data leaves their financial records readable
for as long as the law keeps them. Shredding keeps the row without the key, so a reader tells
"erased" from "not received yet"."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.eventstore.database import insert_on_conflict, one_of
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


@dataclass(frozen=True)
class Unshared:
    subject: str
    category: Category
    key: bytes | None  # None: shredded


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
        wanted = set(wanted)
        subjects: dict[str, set[str]] = {}
        for owner, subject, _ in wanted:
            subjects.setdefault(owner, set()).add(subject)
        held: dict[OwnedKeyId, bytes | Shredded] = {}
        # By owner and subjects, the primary key's leading columns: an index lookup on either
        # backend (a list of (owner, subject, category) rows is not, on SQLite).
        for owner, of_owner in subjects.items():
            ordered = sorted(of_owner)
            for start in range(0, len(ordered), _PER_QUERY):
                rows = await self.conn.execute(
                    select(*_KEY_ID, data_keys.c.wrapped).where(
                        data_keys.c.owner == owner,
                        one_of(self.conn, data_keys.c.subject, ordered[start : start + _PER_QUERY]),
                    )
                )
                for row_owner, subject, category, wrapped in rows:
                    key_id = (row_owner, subject, category)
                    if key_id not in wanted:
                        continue
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
        owned = {(owner, subject, category) for subject, category in wanted}
        held = await self.for_opening(owned)
        missing = owned - held.keys()
        if missing:
            made = await self._make(missing, now)
            held.update(made)
            # Those another writer made first, between our look and our insert.
            held.update(await self.for_opening(missing - made.keys()))
        return {(subject, category): key for (_, subject, category), key in held.items()}

    async def _make(self, key_ids: set[OwnedKeyId], now: datetime) -> dict[OwnedKeyId, bytes]:
        """Makes the keys; returns those stored (a concurrent writer's first one stays)."""
        keys = {key_id: os.urandom(KEY_BYTES) for key_id in key_ids}
        rows = [
            dict(
                owner=owner,
                subject=subject,
                category=category,
                wrapped=self.kek.wrap(key, wrapping_context(owner, subject, category)),
                created_at=now,
            )
            for (owner, subject, category), key in keys.items()
        ]
        insert = insert_on_conflict(self.conn)
        stored = await self.conn.execute(
            insert(data_keys).on_conflict_do_nothing().returning(*_KEY_ID), rows
        )
        return {tuple(row): keys[tuple(row)] for row in stored}

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
        # Not shared in this state yet: the relay tells the services that hold a copy.
        result = await self.conn.execute(
            query.values(wrapped=None, shredded_at=now, shared_on=None)
        )
        return result.rowcount

    async def unshared(
        self, owner: str, categories: Iterable[Category], cluster: str, limit: int
    ) -> list[Unshared]:
        """`owner`'s keys of `categories` whose present state was not shared on `cluster` yet:
        new keys, shredded ones, and all of them on a new cluster."""
        rows = await self.conn.execute(
            select(data_keys.c.subject, data_keys.c.category, data_keys.c.wrapped)
            .where(
                data_keys.c.owner == owner,
                data_keys.c.category.in_(sorted(categories)),
                or_(data_keys.c.shared_on.is_(None), data_keys.c.shared_on != cluster),
            )
            .order_by(data_keys.c.created_at)
            .limit(limit)
        )
        return [
            Unshared(
                subject,
                category,
                None
                if wrapped is None
                else self.kek.unwrap(wrapped, wrapping_context(owner, subject, category)),
            )
            for subject, category, wrapped in rows
        ]

    async def mark_shared(self, owner: str, shared: Iterable[Unshared], cluster: str) -> None:
        """Records that these states were shared on `cluster`; a key shredded since it was
        read stays to be shared again."""
        for entry in shared:
            await self.conn.execute(
                update(data_keys)
                .where(
                    data_keys.c.owner == owner,
                    data_keys.c.subject == entry.subject,
                    data_keys.c.category == entry.category,
                    (data_keys.c.wrapped.is_(None))
                    if entry.key is None
                    else data_keys.c.wrapped.is_not(None),
                )
                .values(shared_on=cluster)
            )

    async def keep_shared(
        self, owner: str, subject: str, category: Category, key: bytes | None, now: datetime
    ) -> None:
        """Keeps a key another service shared with this one (None: it was shredded there). A
        shredded key is never brought back by a record that arrives late."""
        insert = insert_on_conflict(self.conn)
        row = dict(owner=owner, subject=subject, category=category, created_at=now)
        if key is None:
            await self.conn.execute(
                insert(data_keys)
                .values(**row, wrapped=None, shredded_at=now)
                .on_conflict_do_update(
                    index_elements=list(_KEY_ID), set_={"wrapped": None, "shredded_at": now}
                )
            )
            return
        wrapped = self.kek.wrap(key, wrapping_context(owner, subject, category))
        await self.conn.execute(
            insert(data_keys).values(**row, wrapped=wrapped).on_conflict_do_nothing()
        )
