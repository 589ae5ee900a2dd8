"""Verifying identity's access tokens locally: EdDSA signatures only, with the keys, blocks and
revocations of this service's own access projection and the injected clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import get_args

import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.access.read_model import blocked_accounts, signing_keys, token_revocations
from shared.contracts import Actor, Role

ISSUER = "mutualis-identity"
AUDIENCE = "mutualis"
ALGORITHM = "EdDSA"


class Unauthorized(Exception):
    """The request carries no valid access token; the reason is for logs, not for the caller."""


@dataclass(frozen=True)
class Principal:
    account_id: str
    role: Role
    token_id: str
    # How the user proved who they are when the token was issued (the token's `amr` claim).
    authenticated_by: str
    # The public key (JWK) of the session the token is bound to (its `cnf` claim): commands
    # over Kafka must carry a proof made with the private half (shared.command_proof).
    session_key: dict | None = None

    @property
    def actor(self) -> Actor:
        return Actor(
            account_id=self.account_id, role=self.role, authenticated_by=self.authenticated_by
        )


# Clocks of two machines differ a little; a token issued "in the future" by that much passes.
CLOCK_SKEW_S = 60


def decode_on_clock(token: str, key, now: datetime, **checks) -> dict:
    """The claims of a signed token, its times checked against the injected clock rather
    than the machine's (PyJWT's own checks read the machine's). Raises jwt.PyJWTError."""
    claims = jwt.decode(
        token,
        key,
        options={
            "require": ["exp", "iat", "sub"],
            "verify_exp": False,
            "verify_iat": False,
            "verify_nbf": False,
        },
        **checks,
    )
    if now.timestamp() >= claims["exp"]:
        raise jwt.ExpiredSignatureError("the token has expired")
    if claims["iat"] > now.timestamp() + CLOCK_SKEW_S:
        raise jwt.ImmatureSignatureError("the token is issued in the future")
    return claims


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
        claims = decode_on_clock(
            token, pem, now, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER
        )
    except jwt.PyJWTError as error:
        raise Unauthorized(f"invalid token: {error}") from None
    blocked = await conn.scalar(
        select(blocked_accounts.c.reason).where(blocked_accounts.c.account_id == claims["sub"])
    )
    if blocked is not None:
        raise Unauthorized(f"access blocked: {blocked}")
    if await _revoked(conn, claims["sub"], claims["iat"]):
        raise Unauthorized("the token was revoked: issued before a password change or a block")
    if claims.get("role") not in get_args(Role):
        raise Unauthorized(f"unknown role {claims.get('role')!r}")
    method = (claims.get("amr") or ["pwd"])[0]
    if "jti" not in claims:
        raise Unauthorized("the token has no id")
    session_key = (claims.get("cnf") or {}).get("jwk")
    return Principal(claims["sub"], claims["role"], claims["jti"], method, session_key)


async def _revoked(conn: AsyncConnection, account_id: str, issued_at: float) -> bool:
    """Whether the token was issued before the account's last revocation. Identity's `iat`
    has microseconds; an issuer's whole seconds (rounded down) err on the side of refusing."""
    until = await conn.scalar(
        select(token_revocations.c.issued_until).where(token_revocations.c.account_id == account_id)
    )
    return until is not None and issued_at < until.timestamp()
