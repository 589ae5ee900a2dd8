"""Issuing access tokens, signed with identity's private key (Ed25519). Each key is announced
with `SigningKeyPublished`, so every service verifies tokens from its own projection; the
private key is stored only wrapped by the key-encryption key (signing_keys.py)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.identity.adapters import signing_keys
from services.identity.adapters.refresh import issue_refresh_token
from shared.access.tokens import ALGORITHM, AUDIENCE, ISSUER
from shared.command_proof import key_of
from shared.contracts.identity import SigningKeyPublished
from shared.eventstore import PendingEvent, UnitOfWork
from shared.keys import KeyEncryptionKey

ACCESS_TOKEN_LIFETIME = timedelta(minutes=10)


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class SessionKey(BaseModel):
    """The public half of a key the client keeps for the session (an Ed25519 JWK): its
    tokens are bound to it, and commands it sends over Kafka prove it (shared.command_proof)."""

    model_config = ConfigDict(extra="forbid")

    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str = Field(pattern=r"^[A-Za-z0-9_-]{43}$", description="The raw key, base64url")

    @model_validator(mode="after")
    def _a_key(self) -> SessionKey:
        key_of(self.model_dump())  # raises ValueError for 32 bytes that are no key
        return self


async def issue_tokens(
    uow: UnitOfWork,
    account_id: str,
    role: str,
    method: str,
    refresh_token: str | None = None,
    session_key: dict | None = None,
    *,
    kek: KeyEncryptionKey,
) -> Tokens:
    """An access token, and a refresh token of a new family unless one was rotated already;
    both bound to `session_key` when the client gave one; signed with the newest key, which
    `kek` unwraps."""
    now = uow.clock.now()
    return Tokens(
        access_token=await issue_access_token(
            uow, account_id, role, now, method, session_key, kek=kek
        ),
        refresh_token=refresh_token
        or await issue_refresh_token(uow, account_id, method, session_key=session_key),
        expires_in=int(ACCESS_TOKEN_LIFETIME.total_seconds()),
    )


async def ensure_signing_key(uow: UnitOfWork, kek: KeyEncryptionKey) -> None:
    """At start: the stored signing keys unwrap with the KEK identity runs with, and are kept
    wrapped only (signing_keys.py); the first start creates the first key and announces it."""
    if await signing_keys.secure_stored(uow.conn, kek):
        return
    key = Ed25519PrivateKey.generate()
    key_id = uuid.uuid4().hex
    await signing_keys.store(uow.conn, kek, key_id, signing_keys.private_pem(key), uow.clock.now())
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    published = SigningKeyPublished(key_id=key_id, algorithm=ALGORITHM, public_key_pem=public_pem)
    await uow.append(
        f"signing-key-{key_id}", 0, [PendingEvent(published, key_id)], correlation_id=key_id
    )


async def issue_access_token(
    uow: UnitOfWork,
    account_id: str,
    role: str,
    now: datetime,
    method: str,
    session_key: dict | None = None,
    *,
    kek: KeyEncryptionKey,
) -> str:
    """`method` is how the user proved who they are (RFC 8176 `amr`), kept on what they do."""
    key_id, private_pem = await signing_keys.newest(uow.conn, kek)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": account_id,
        "role": role,
        # To the microsecond (JWT allows fractions): a revocation voids exactly the tokens
        # issued before it, and a login right after a password change works.
        "iat": now.timestamp(),
        "exp": int((now + ACCESS_TOKEN_LIFETIME).timestamp()),
        "jti": uuid.uuid4().hex,
        "amr": [method],
    }
    if session_key:
        claims["cnf"] = {"jwk": session_key}
    return jwt.encode(claims, private_pem, algorithm=ALGORITHM, headers={"kid": key_id})
