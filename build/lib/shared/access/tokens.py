"""Verifying identity's access tokens locally: EdDSA signatures only, with the keys and blocks
of this service's own access projection and the injected clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.access.read_model import blocked_accounts, signing_keys

ISSUER = "mutualis-identity"
AUDIENCE = "mutualis"
ALGORITHM = "EdDSA"


class Unauthorized(Exception):
    """The request carries no valid access token; the reason is for logs, not for the caller."""


@dataclass(frozen=True)
class Principal:
    account_id: str
    role: str
    token_id: str


async def verify_access_token(conn: AsyncConnection, token: str, now: datetime) -> Principal:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Unauthorized(f"malformed token: {error}") from None
    # Only the one algorithm identity signs with: refuses `none` and key-confusion tricks.
    if header.get("alg") != ALGORITHM:
        raise Unauthorized(f"algorithm {header.get('alg')!r} is not accepted")
    pem = await conn.scalar(
        select(signing_keys.c.public_key_pem).where(signing_keys.c.key_id == str(header.get("kid")))
    )
    if pem is None:
        raise Unauthorized(f"unknown signing key {header.get('kid')!r}")
    try:
        claims = jwt.decode(
            token,
            pem,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            # Expiry is checked below against the injected clock, not the machine's.
            options={"require": ["exp", "iat", "sub", "jti"], "verify_exp": False},
        )
    except jwt.PyJWTError as error:
        raise Unauthorized(f"invalid token: {error}") from None
    if now.timestamp() >= claims["exp"]:
        raise Unauthorized("token expired")
    blocked = await conn.scalar(
        select(blocked_accounts.c.reason).where(blocked_accounts.c.account_id == claims["sub"])
    )
    if blocked is not None:
        raise Unauthorized(f"access blocked: {blocked}")
    return Principal(claims["sub"], claims.get("role", "member"), claims["jti"])
