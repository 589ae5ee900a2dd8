"""Rotating refresh tokens: random, stored only as SHA-256 hashes, single use, and a reused
token revokes its whole family."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.adapters.private_tables import refresh_tokens
from shared.eventstore import UnitOfWork

REFRESH_TOKEN_LIFETIME = timedelta(days=1)


class RefreshRefused(Exception):
    pass


class Rotated(NamedTuple):
    account_id: str
    method: str  # how the session was opened
    refresh_token: str  # the next of its family
    session_key: dict | None  # the key the session's tokens are bound to


async def issue_refresh_token(
    uow: UnitOfWork,
    account_id: str,
    method: str,
    family_id: str | None = None,
    session_key: dict | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    await uow.conn.execute(
        insert(refresh_tokens).values(
            token_hash=_hash(token),
            family_id=family_id or secrets.token_hex(16),
            account_id=account_id,
            expires_at=uow.clock.now() + REFRESH_TOKEN_LIFETIME,
            used=False,
            revoked=False,
            method=method,
            session_key=session_key,
        )
    )
    return token


async def rotate(uow: UnitOfWork, token: str) -> Rotated:
    """Spends `token`; returns what continues its session."""
    row = (
        await uow.conn.execute(
            select(refresh_tokens).where(refresh_tokens.c.token_hash == _hash(token))
        )
    ).first()
    if row is None or row.revoked or row.expires_at <= uow.clock.now():
        raise RefreshRefused("unknown, expired or revoked refresh token")
    if row.used:
        await uow.conn.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.family_id == row.family_id)
            .values(revoked=True)
        )
        await uow.commit()  # the revocation stands although the request is refused
        raise RefreshRefused("refresh token reused: its family is revoked")
    spent = await uow.conn.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.token_hash == row.token_hash, refresh_tokens.c.used.is_(False))
        .values(used=True)
    )
    if spent.rowcount != 1:
        raise RefreshRefused("refresh token already used")
    next_token = await issue_refresh_token(
        uow, row.account_id, row.method, row.family_id, row.session_key
    )
    return Rotated(row.account_id, row.method, next_token, row.session_key)


class RefreshTokens:
    """The refresh tokens as a command handler reaches them (`ctx.uow.view(RefreshTokens)`):
    a revocation recorded by a handler ends them in its unit of work (handlers/saving.py)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def revoke_all(self, account_id: str) -> None:
        """Every family of the account, so no session of it can be continued."""
        await self.conn.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.account_id == account_id)
            .values(revoked=True)
        )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
