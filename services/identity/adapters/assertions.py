"""Verifying a digital key's signed assertion (ID-1): an OIDC-style ID token from a trusted
identity provider, checked against the keys the provider publishes, for our audience, not
expired on the injected clock, and answering a nonce we issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx
import jwt

from shared.access.tokens import decode_on_clock

ALGORITHMS = ["EdDSA", "RS256", "ES256"]


class AssertionRefused(Exception):
    pass


@dataclass(frozen=True)
class Assertion:
    national_register_number: str
    name: str
    method: str
    nonce: str


async def verify_assertion(
    token: str, trusted_issuers: list[str], audience: str, now: datetime
) -> Assertion:
    try:
        header = jwt.get_unverified_header(token)
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError as error:
        raise AssertionRefused(f"malformed assertion: {error}") from None
    if issuer not in trusted_issuers:
        raise AssertionRefused(f"issuer {issuer!r} is not a trusted identity provider")
    if header.get("alg") not in ALGORITHMS:
        raise AssertionRefused(f"algorithm {header.get('alg')!r} is not accepted")
    key = await _provider_key(issuer, header.get("kid"))
    try:
        claims = decode_on_clock(
            token, key, now, algorithms=ALGORITHMS, audience=audience, issuer=issuer
        )
    except jwt.ExpiredSignatureError:
        raise AssertionRefused("assertion expired") from None
    except jwt.PyJWTError as error:
        raise AssertionRefused(f"invalid assertion: {error}") from None
    if "nonce" not in claims:
        raise AssertionRefused("invalid assertion: it answers no nonce")
    return Assertion(
        claims["sub"],
        claims.get("name", ""),
        (claims.get("amr") or ["unknown"])[0],
        claims["nonce"],
    )


async def _provider_key(issuer: str, key_id: str | None):
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{issuer}/.well-known/jwks.json")
    response.raise_for_status()
    for jwk in response.json().get("keys", []):
        if jwk.get("kid") == key_id:
            return jwt.PyJWK(jwk).key
    raise AssertionRefused(f"the provider publishes no key {key_id!r}")
