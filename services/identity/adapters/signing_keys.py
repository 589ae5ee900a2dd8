"""Identity's private token-signing keys, at rest only wrapped by the key-encryption key
(shared.keys): whoever copies identity's database or a backup of it cannot sign tokens.

Each key is wrapped for its own id (`context`), so a wrapped key moved to another row does not
unwrap. Identity unwraps every key when it starts, so a missing or wrong KEK stops it there,
not at the first login; on the way it wraps a key an older version kept in clear, and wraps
again a key of a KEK that is being retired.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.adapters.private_tables import private_keys
from shared.keys import CannotUnwrap, KeyEncryptionKey, wrapped_by


class SigningKeyLocked(RuntimeError):
    """A stored signing key does not unwrap with the configured KEK."""


def context(key_id: str) -> bytes:
    return b"identity-signing-key:" + key_id.encode()


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


async def store(
    conn: AsyncConnection, kek: KeyEncryptionKey, key_id: str, key: bytes, at: datetime
) -> None:
    wrapped = kek.wrap(key, context(key_id))
    await conn.execute(
        insert(private_keys).values(key_id=key_id, private_key_wrapped=wrapped, created_at=at)
    )


async def secure_stored(conn: AsyncConnection, kek: KeyEncryptionKey) -> int:
    """Proves every stored key unwraps, wrapping with the current KEK those kept in clear or by
    another; returns how many keys there are."""
    rows = (await conn.execute(select(private_keys))).all()
    for row in rows:
        if row.private_key_wrapped is None:
            key = row.private_key_pem.encode()
        else:
            key = unwrap(kek, row.key_id, row.private_key_wrapped)
            if wrapped_by(row.private_key_wrapped) == kek.key_id:
                continue
        await conn.execute(
            update(private_keys)
            .where(private_keys.c.key_id == row.key_id)
            .values(private_key_wrapped=kek.wrap(key, context(row.key_id)), private_key_pem=None)
        )
    return len(rows)


async def newest(conn: AsyncConnection, kek: KeyEncryptionKey) -> tuple[str, bytes]:
    """The key tokens are signed with: its id and its private key in PEM."""
    row = (
        await conn.execute(
            select(private_keys.c.key_id, private_keys.c.private_key_wrapped)
            .order_by(private_keys.c.created_at.desc())
            .limit(1)
        )
    ).one()
    return row.key_id, unwrap(kek, row.key_id, row.private_key_wrapped)


def unwrap(kek: KeyEncryptionKey, key_id: str, wrapped: bytes) -> bytes:
    try:
        return kek.unwrap(wrapped, context(key_id))
    except CannotUnwrap as error:
        raise SigningKeyLocked(
            f"identity's signing key {key_id}: {error}. Start identity with the key-encryption "
            "key it was wrapped with in MUTUALIS_KEK_FILE or MUTUALIS_KEK (newest key first)"
        ) from None
