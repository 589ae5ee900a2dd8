"""Commands bound to their sender (in the manner of OAuth DPoP, RFC 9449).

A command on Kafka is read by whoever may read the topic, so a bearer token riding on it could
be copied onto a command of the copier's choosing. Instead, a staff session holds a key pair of
its own: identity binds the session's access tokens to the public key (`cnf`, RFC 7800), and
each command carries a proof signed with the private key, naming that one command: its id, its
type, the topic it is sent to, a hash of its payload and of the access token. A copied token is
useless without the key; a copied proof fits only the command it came with, which is handled
once (by its id)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PROOF_TYPE = "command-proof+jwt"
# Proofs are made the moment a command is sent; a little skew between machines is fine.
MAX_AGE_S = 300


class InvalidProof(Exception):
    """The command is not proved to come from the token's session."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def digest(data: bytes) -> str:
    return _b64(hashlib.sha256(data).digest())


def payload_digest(payload: dict[str, Any]) -> str:
    """The same for any two encodings of the same JSON payload."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return digest(canonical.encode())


def public_jwk(key: Ed25519PrivateKey) -> dict[str, str]:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}


def key_of(jwk: dict[str, Any]) -> Ed25519PublicKey:
    """The public key of an Ed25519 JWK; raises ValueError for anything else."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("a session key is an Ed25519 JWK (kty OKP, crv Ed25519)")
    x = str(jwk.get("x", ""))
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))


@dataclass(frozen=True)
class Sent:
    """What a proof names: one command, sent to one topic, with one access token."""

    command_id: str
    command_type: str
    topic: str
    payload: dict[str, Any]
    access_token: str

    def claims(self) -> dict[str, str]:
        return {
            "jti": self.command_id,
            "htm": self.command_type,
            "htu": self.topic,
            "pld": payload_digest(self.payload),
            "ath": digest(self.access_token.encode()),
        }


def prove(key: Ed25519PrivateKey, sent: Sent, now: datetime) -> str:
    claims = {**sent.claims(), "iat": int(now.timestamp())}
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"typ": PROOF_TYPE})


def check_proof(proof: str | None, bound_to: dict[str, Any] | None, sent: Sent, now: datetime):
    """Raises InvalidProof unless `proof` was made with the token's session key for exactly
    this command."""
    if bound_to is None:
        raise InvalidProof("the token is not bound to a session key: log in again")
    if not proof:
        raise InvalidProof("the command carries no proof of its sender")
    try:
        if jwt.get_unverified_header(proof).get("typ") != PROOF_TYPE:
            raise InvalidProof("not a command proof")
        claims = jwt.decode(
            proof,
            key_of(bound_to),
            algorithms=["EdDSA"],
            options={"require": ["jti", "htm", "htu", "pld", "ath", "iat"], "verify_iat": False},
        )
    except (jwt.PyJWTError, ValueError) as error:
        raise InvalidProof(f"the proof is not the session's: {error}") from None
    wrong = sorted(name for name, value in sent.claims().items() if claims[name] != value)
    if wrong:
        raise InvalidProof(f"the proof is for another command (differs in {', '.join(wrong)})")
    if abs(now.timestamp() - claims["iat"]) > MAX_AGE_S:
        raise InvalidProof("the proof is too old or from the future")
