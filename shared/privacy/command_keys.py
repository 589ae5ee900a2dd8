"""The keys commands for a service are sealed with (shared.privacy.command_sealing), in that
service's database: one X25519 key pair per epoch (a UTC day), the private key kept only
wrapped by the service's KEK (shared.keys), as its data keys are.

Keys are made for today and tomorrow when the service starts and by a daily durable timer,
which also destroys every private key whose epoch ended longer ago than a command stays on the
commands topic, and a day's margin (`KEPT_AFTER_EPOCH`): a command still on the topic, a
copy of its disks or a backup is then unreadable by anyone, the service included. A destroyed
key keeps its row (and its public key), so the service tells "destroyed" from "never made",
and the relay publishes the destruction on `<service>.command-keys` like the key itself."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.database import insert_on_conflict
from shared.eventstore.schema import command_keys
from shared.keys import CannotUnwrap, KeyEncryptionKey
from shared.messaging.topics import COMMANDS_RETENTION
from shared.privacy.command_sealing import (
    DESTROYED,
    EPOCH,
    CommandKey,
    Destroyed,
    epoch_of,
    public_record,
    validity,
)
from shared.privacy.keys import WrongKek

# A private key lives this long after its epoch ended: the commands topic's retention, and a
# day for a command sent late in the epoch or a broker that deletes a little late.
KEPT_AFTER_EPOCH = COMMANDS_RETENTION + timedelta(days=1)
ROTATION = "command-keys.rotate"


def wrapping_context(service: str, epoch: str) -> bytes:
    """Bound to the wrapped key: a blob moved to another row does not unwrap."""
    return f"command-key\0{service}\0{epoch}".encode()


async def check_kek(conn: AsyncConnection, kek: KeyEncryptionKey, service: str) -> None:
    """Raises WrongKek unless `kek` unwraps a command key of this database (when it holds
    one): started with another KEK, the service would refuse every command sent to it."""
    row = (
        await conn.execute(
            select(command_keys.c.epoch, command_keys.c.wrapped)
            .where(command_keys.c.service == service, command_keys.c.wrapped.is_not(None))
            .limit(1)
        )
    ).first()
    if row is None:
        return
    try:
        kek.unwrap(row.wrapped, wrapping_context(service, row.epoch))
    except CannotUnwrap as error:
        raise WrongKek(
            f"the configured KEK ({kek.key_id}) does not open this database's command keys: {error}"
        ) from None


class CommandKeys:
    """`service`'s command keys in one connection's transaction, unwrapped for the work at
    hand only (a key another replica destroyed must not live on here)."""

    def __init__(self, conn: AsyncConnection, kek: KeyEncryptionKey, service: str) -> None:
        self.conn, self.kek, self.service = conn, kek, service

    async def private_key(self, epoch: str) -> X25519PrivateKey | Destroyed | None:
        """The epoch's private key, DESTROYED, or None when this service never made one.
        Raises shared.keys.CannotUnwrap when the KEK does not unwrap it."""
        row = (
            await self.conn.execute(
                select(command_keys.c.wrapped).where(
                    command_keys.c.service == self.service, command_keys.c.epoch == epoch
                )
            )
        ).first()
        if row is None:
            return None
        if row.wrapped is None:
            return DESTROYED
        raw = self.kek.unwrap(row.wrapped, wrapping_context(self.service, epoch))
        return X25519PrivateKey.from_private_bytes(raw)

    async def rotate(self, now: datetime) -> None:
        """Makes the keys of today and tomorrow that are missing; destroys those whose epoch
        ended `KEPT_AFTER_EPOCH` ago or more."""
        rows = [self._made(epoch_of(now + EPOCH * n), now) for n in (0, 1)]
        insert = insert_on_conflict(self.conn)
        await self.conn.execute(insert(command_keys).on_conflict_do_nothing(), rows)
        await self.conn.execute(
            update(command_keys)
            .where(
                command_keys.c.service == self.service,
                command_keys.c.wrapped.is_not(None),
                command_keys.c.valid_until <= now - KEPT_AFTER_EPOCH,
            )
            # Not published in this state yet: the relay tells the senders.
            .values(wrapped=None, destroyed_at=now, published_on=None)
        )

    def _made(self, epoch: str, now: datetime) -> dict:
        key = X25519PrivateKey.generate()
        raw = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        valid_from, valid_until = validity(epoch)
        return dict(
            service=self.service,
            epoch=epoch,
            public_key=key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            ),
            wrapped=self.kek.wrap(raw, wrapping_context(self.service, epoch)),
            valid_from=valid_from,
            valid_until=valid_until,
            created_at=now,
        )

    async def unpublished(self, cluster: str, limit: int) -> list[CommandKey]:
        """The keys whose present state (made, or destroyed) was not published on `cluster`:
        new ones, destroyed ones, and all of them on a new cluster."""
        rows = await self.conn.execute(
            select(command_keys.c.epoch, command_keys.c.public_key, command_keys.c.wrapped)
            .where(
                command_keys.c.service == self.service,
                or_(command_keys.c.published_on.is_(None), command_keys.c.published_on != cluster),
            )
            .order_by(command_keys.c.epoch)
            .limit(limit)
        )
        return [
            public_record(
                self.service,
                epoch,
                None if wrapped is None else X25519PublicKey.from_public_bytes(public),
            )
            for epoch, public, wrapped in rows
        ]

    async def mark_published(self, published: list[CommandKey], cluster: str) -> None:
        """Records that these states were published on `cluster`; a key destroyed since it
        was read stays to be published again."""
        destroyed = command_keys.c.wrapped.is_(None)
        for record in published:
            await self.conn.execute(
                update(command_keys)
                .where(
                    command_keys.c.service == self.service,
                    command_keys.c.epoch == record.epoch,
                    destroyed if record.destroyed else ~destroyed,
                )
                .values(published_on=cluster)
            )


def rotation_timer(service: str, now: datetime) -> Timer:
    """The next rotation: at the next UTC midnight."""
    due = datetime.combine(now.astimezone(UTC).date(), time(), UTC) + EPOCH
    return Timer(f"command-keys/{service}/{due.date().isoformat()}", ROTATION, due)


async def rotate(uow: UnitOfWork) -> None:
    """Rotates this service's command keys at the unit of work's time and schedules the next
    rotation (scheduling it twice changes nothing)."""
    service, now = uow.store.producer, uow.clock.now()
    await CommandKeys(uow.conn, uow.store.kek, service).rotate(now)
    await uow.schedule(rotation_timer(service, now))


async def on_rotation_timer(_timer: Timer, uow: UnitOfWork) -> None:
    await rotate(uow)
