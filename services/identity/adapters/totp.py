"""Staff's authenticator apps (TOTP, RFC 6238; domain/second_factors.py) in identity's own
table: the shared secret, and the last 30-second step whose code was accepted, so that each
step's code opens one session only. The secret is the authenticator: like the password hashes
it never leaves identity's tables, except once, in the HTTPS answer that sets it up; and like
the signing keys it is kept only wrapped by the KEK (shared.keys), so a copy of the database
alone cannot make codes."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from pyotp.exceptions import OTPVerificationError
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from services.identity.adapters import private_tables
from services.identity.domain.second_factors import VALID_STEPS
from shared.eventstore import UnitOfWork

ISSUER = "mutualis"

# Declared with identity's other secrets (private_tables.py), migrated by identity_0011.
second_factors = Table(
    "second_factors",
    private_tables.metadata,
    Column("account_id", String(64), primary_key=True),
    # In clear (base32) only in rows from before identity_0013, until identity next starts.
    Column("secret", String(64)),
    Column("secret_wrapped", LargeBinary),
    Column("last_step", Integer, nullable=False),  # 0: no code accepted yet
)


@dataclass(frozen=True)
class Provisioning:
    """What the holder types or scans into the authenticator app."""

    secret: str
    uri: str  # otpauth://totp/…, what a QR code would show


def valid_secret(secret: str) -> str:
    """The secret if it is base32 an authenticator takes (160 bits or more); else ValueError."""
    try:
        decoded = pyotp.TOTP(secret).byte_secret()
    except ValueError as invalid:  # binascii.Error among them; neither shows the secret
        raise ValueError(f"not a base32 TOTP secret: {invalid}") from None
    if len(decoded) < 20:
        raise ValueError("a TOTP secret needs at least 160 bits (32 base32 characters)")
    return secret


async def enrol(
    uow: UnitOfWork, account_id: str, login: str, secret: str | None = None
) -> Provisioning:
    """A new authenticator for the account (a random secret unless the operator gave one); an
    earlier one stops working."""
    secret = secret or pyotp.random_base32()
    table = second_factors.c
    await uow.conn.execute(delete(second_factors).where(table.account_id == account_id))
    await uow.conn.execute(
        insert(second_factors).values(
            account_id=account_id, secret_wrapped=_wrap(uow, account_id, secret), last_step=0
        )
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)
    return Provisioning(secret, uri)


async def check(uow: UnitOfWork, account_id: str, code: str, spend: bool) -> bool:
    """Whether `code` is the account's for a step of the service's clock not used before; when
    `spend`, a right code's step is used up (a login whose password was wrong spends nothing)."""
    table = second_factors.c
    row = (
        await uow.conn.execute(select(second_factors).where(table.account_id == account_id))
    ).first()
    if row is None:
        return False
    secret = row.secret or _unwrap(uow, account_id, row.secret_wrapped)
    try:
        step = pyotp.TOTP(secret).verify_and_get_timecode(
            code, for_time=uow.clock.now(), valid_window=VALID_STEPS
        )
    except OTPVerificationError:
        return False
    if step <= row.last_step:
        return False  # replayed
    if not spend:
        return True
    # Conditional: of two logins with the same code at once, one spends it.
    spent = await uow.conn.execute(
        update(second_factors)
        .where(table.account_id == account_id, table.last_step < step)
        .values(last_step=step)
    )
    return spent.rowcount == 1


async def wrap_secrets_in_clear(uow: UnitOfWork) -> int:
    """Wraps the secrets stored in clear before identity_0013; run at start. How many."""
    table = second_factors.c
    rows = (
        await uow.conn.execute(
            select(table.account_id, table.secret).where(table.secret.is_not(None))
        )
    ).all()
    for account_id, secret in rows:
        await uow.conn.execute(
            update(second_factors)
            .where(table.account_id == account_id)
            .values(secret=None, secret_wrapped=_wrap(uow, account_id, secret))
        )
    return len(rows)


def _context(account_id: str) -> bytes:
    return b"identity-totp-secret:" + account_id.encode()


def _wrap(uow: UnitOfWork, account_id: str, secret: str) -> bytes:
    return uow.store.kek.wrap(secret.encode(), _context(account_id))


def _unwrap(uow: UnitOfWork, account_id: str, wrapped: bytes) -> str:
    return uow.store.kek.unwrap(wrapped, _context(account_id)).decode()
