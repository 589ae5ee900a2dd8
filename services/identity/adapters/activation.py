"""Activation codes in identity's own table: an administrator asks identity for one over
HTTPS and hands it to the account's holder, who sets their password with it. Random enough
that a fast hash suffices; valid for a few days and a few attempts, once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, insert, select, update

from services.identity.adapters.private_tables import activation_codes, credentials
from shared.eventstore import UnitOfWork

LIFETIME = timedelta(days=3)
MAX_ATTEMPTS = 5


async def issue(uow: UnitOfWork, account_id: str) -> str:
    """A new code for the account; an earlier one stops working."""
    code = secrets.token_urlsafe(12)
    await uow.conn.execute(
        delete(activation_codes).where(activation_codes.c.account_id == account_id)
    )
    await uow.conn.execute(
        insert(activation_codes).values(
            account_id=account_id,
            code_hash=_hash(code),
            expires_at=uow.clock.now() + LIFETIME,
            attempts=0,
        )
    )
    return code


async def redeem(uow: UnitOfWork, login: str, code: str) -> str | None:
    """The account whose code this is, the code spent; None for a wrong, used, expired or
    exhausted code or an unknown login (a wrong try counts)."""
    account_id = await uow.conn.scalar(
        select(credentials.c.account_id).where(credentials.c.login == login)
    )
    row = (
        await uow.conn.execute(
            select(activation_codes).where(activation_codes.c.account_id == account_id)
        )
    ).first()
    if row is None or row.expires_at <= uow.clock.now() or row.attempts >= MAX_ATTEMPTS:
        return None
    if not hmac.compare_digest(row.code_hash, _hash(code)):
        await uow.conn.execute(
            update(activation_codes)
            .where(activation_codes.c.account_id == account_id)
            .values(attempts=activation_codes.c.attempts + 1)
        )
        return None
    await uow.conn.execute(
        delete(activation_codes).where(activation_codes.c.account_id == account_id)
    )
    return account_id


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
