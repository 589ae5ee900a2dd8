"""Passwords as argon2id hashes (ID-3). A login for an unknown user verifies against a dummy
hash, so the answer takes as long whether the user exists or not."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
_DUMMY_HASH = _hasher.hash("an unknown user never matches this")
# What stands for the password of an account whose holder has not set one yet: the hash of a
# password nobody knows (a real one, so a login attempt costs what it costs on any account),
# made once per process rather than once per account.
UNUSABLE_HASH = _hasher.hash(secrets.token_urlsafe(32))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(
        _verify, password_hash or _DUMMY_HASH, password, password_hash is not None
    )


def _verify(password_hash: str, password: str, known: bool) -> bool:
    try:
        return _hasher.verify(password_hash, password) and known
    except (VerificationError, InvalidHashError):
        return False
