"""Issuing access tokens, signed with identity's private key (Ed25519). Each key is announced
with `SigningKeyPublished`, so every service verifies tokens from its own projection."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel
from sqlalchemy import insert, select

from services.identity.refresh import issue_refresh_token
from services.identity.secrets import private_keys
from shared.access.tokens import ALGORITHM, AUDIENCE, ISSUER
from shared.contracts.identity import SigningKeyPublished
from shared.eventstore import PendingEvent, UnitOfWork

ACCESS_TOKEN_LIFETIME = timedelta(minutes=10)


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


async def issue_tokens(
    uow: UnitOfWork, account_id: str, role: str, method: str, refresh_token: str | None = None
) -> Tokens:
    """An access token, and a refresh token of a new family unless one was rotated already."""
    return Tokens(
        access_token=await issue_access_token(uow, account_id, role, uow.clock.now(), method),
        refresh_token=refresh_token or await issue_refresh_token(uow, account_id, method),
        expires_in=int(ACCESS_TOKEN_LIFETIME.total_seconds()),
    )


async def ensure_signing_key(uow: UnitOfWork) -> None:
    """Creates the first signing key and announces it; later starts find it."""
    if await uow.conn.scalar(select(private_keys.c.key_id).limit(1)) is not None:
        return
    key = Ed25519PrivateKey.generate()
    key_id = uuid.uuid4().hex
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    await uow.conn.execute(
        insert(private_keys).values(
            key_id=key_id, private_key_pem=private_pem, created_at=uow.clock.now()
        )
    )
    published = SigningKeyPublished(key_id=key_id, algorithm=ALGORITHM, public_key_pem=public_pem)
    await uow.append(
        f"signing-key-{key_id}", 0, [PendingEvent(published, key_id)], correlation_id=key_id
    )


async def issue_access_token(
    uow: UnitOfWork, account_id: str, role: str, now: datetime, method: str
) -> str:
    """`method` is how the user proved who they are (RFC 8176 `amr`), kept on what they do."""
    key = (
        await uow.conn.execute(
            select(private_keys).order_by(private_keys.c.created_at.desc()).limit(1)
        )
    ).one()
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": account_id,
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int((now + ACCESS_TOKEN_LIFETIME).timestamp()),
        "jti": uuid.uuid4().hex,
        "amr": [method],
    }
    return jwt.encode(claims, key.private_key_pem, algorithm=ALGORITHM, headers={"kid": key.key_id})
