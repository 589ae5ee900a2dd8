"""Keys kept at rest only wrapped by a key-encryption key (KEK) that lives outside the database.

A database file, a backup or a replica then holds nothing usable on its own: identity's private
token-signing keys now, per-person data keys (crypto-shredding) next. Whoever wraps names a
`context` (what the key is and whose, e.g. b"identity-signing-key:" + key_id); it is bound as
associated data, so a blob copied to another row or another purpose does not unwrap.

The seam is `KeyEncryptionKey`: `LocalKek` holds the key material in this process (AES-256-GCM,
from a file or an environment variable), which is what one machine and the tests use. A
deployment with a KMS or Vault adds one class that asks it to wrap and unwrap (the material
never leaves it), and one branch in `KekSettings.key_encryption_key`; callers do not change.

Rotation: every blob names the KEK that wrapped it. A KEK file (or MUTUALIS_KEK) holds keys
newest first: the first wraps, all of them unwrap, so blobs of a retired KEK stay readable
until their owner wraps them again. With several replicas: add the new key last everywhere,
then move it first everywhere (starts wrap again with it), then drop the old one.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.private_files import create_private

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
HOW_TO_MAKE_ONE = (
    "set MUTUALIS_KEK_FILE to a file holding one (`python -m shared.keys data/kek` makes it) "
    "or MUTUALIS_KEK to 32 random bytes in base64; in a deployment, a secret of its own"
)


class CannotUnwrap(Exception):
    """The blob is not one this KEK wrapped for this context (wrong KEK, context or bytes)."""


class KeyEncryptionKey(Protocol):
    @property
    def key_id(self) -> str:
        """The KEK that wraps now; blobs of another need a ring that still holds it."""
        ...

    def wrap(self, plaintext: bytes, context: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        """Raises CannotUnwrap."""
        ...


# Every blob, whoever made it: b"K1", the length of the KEK's id, the id, then what that KEK
# made of the key. A KMS implementation keeps this header and puts its ciphertext after it.
_MAGIC = b"K1"


def header(key_id: str) -> bytes:
    raw_id = key_id.encode()
    return _MAGIC + bytes([len(raw_id)]) + raw_id


def wrapped_by(wrapped: bytes) -> str:
    """The id of the KEK that wrapped `wrapped`: one not the current KEK wants wrapping again."""
    return _split(wrapped)[0]


def _split(wrapped: bytes) -> tuple[str, bytes, bytes]:
    """The KEK's id, the header that names it, and the rest."""
    if wrapped[:2] != _MAGIC or len(wrapped) < 3 or len(wrapped) < 3 + wrapped[2]:
        raise CannotUnwrap("not a wrapped key")
    end = 3 + wrapped[2]
    return wrapped[3:end].decode(errors="replace"), wrapped[:end], wrapped[end:]


class LocalKek:
    """AES-256-GCM with keys held in this process: `keys[0]` wraps, every one unwraps."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys or any(len(key) != KEY_BYTES for key in keys):
            raise ValueError(f"a local KEK is one or more keys of {KEY_BYTES} bytes")
        self._ring = {_local_id(key): AESGCM(key) for key in keys}
        self.key_id = _local_id(keys[0])

    def wrap(self, plaintext: bytes, context: bytes) -> bytes:
        # The header is authenticated too: a blob cannot be made to name another KEK.
        named, nonce = header(self.key_id), os.urandom(NONCE_BYTES)
        return named + nonce + self._ring[self.key_id].encrypt(nonce, plaintext, named + context)

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        key_id, named, payload = _split(wrapped)
        aead = self._ring.get(key_id)
        if aead is None:
            raise CannotUnwrap(
                f"wrapped by KEK {key_id}, which is not configured (configured: "
                f"{', '.join(self._ring)})"
            )
        nonce, ciphertext = payload[:NONCE_BYTES], payload[NONCE_BYTES:]
        try:
            return aead.decrypt(nonce, ciphertext, named + context)
        except (InvalidTag, ValueError):  # ValueError: too short to hold a nonce
            raise CannotUnwrap(
                f"does not unwrap with KEK {key_id} for {context.decode(errors='replace')!r}: "
                "wrapped for something else, or altered"
            ) from None


def _local_id(key: bytes) -> str:
    # A fingerprint, so the same key is the same id on every machine, and tells nothing of it.
    return "local:" + hashlib.sha256(b"mutualis-kek-id\0" + key).hexdigest()[:16]


def parse_keys(text: str, where: str) -> list[bytes]:
    """Base64 keys, newest first, separated by newlines, spaces or commas."""
    if not text.strip():
        raise ValueError(f"{where} holds no key: {HOW_TO_MAKE_ONE}")
    keys = []
    for number, item in enumerate(re.split(r"[\s,]+", text.strip()), start=1):
        try:
            key = base64.b64decode(item, validate=True)
        except ValueError:
            key = b""
        if len(key) != KEY_BYTES:
            raise ValueError(f"key {number} of {where} is not {KEY_BYTES} bytes in base64")
        keys.append(key)
    return keys


class KekSettings(BaseSettings):
    """Where this process's KEK comes from; fails when there is none, or it is no key."""

    model_config = SettingsConfigDict(extra="ignore")

    kek_file: Path | None = Field(None, validation_alias=AliasChoices("MUTUALIS_KEK_FILE"))
    kek: SecretStr | None = Field(None, validation_alias=AliasChoices("MUTUALIS_KEK"))
    _keys: list[bytes] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _one_usable_kek(self) -> KekSettings:
        if self.kek_file is None and self.kek is None:
            raise ValueError(f"no key-encryption key: {HOW_TO_MAKE_ONE}")
        if self.kek_file is not None and self.kek is not None:
            raise ValueError("both MUTUALIS_KEK_FILE and MUTUALIS_KEK are set: keep one")
        if self.kek is not None:
            self._keys = parse_keys(self.kek.get_secret_value(), "MUTUALIS_KEK")
            return self
        try:
            text = self.kek_file.read_text()
        except OSError as error:
            raise ValueError(f"MUTUALIS_KEK_FILE {self.kek_file}: {error.strerror}") from None
        self._keys = parse_keys(text, f"MUTUALIS_KEK_FILE {self.kek_file}")
        return self

    def key_encryption_key(self) -> KeyEncryptionKey:
        # The place for a KMS/Vault: e.g. MUTUALIS_KEK_URI=kms://… returns a client here.
        return LocalKek(self._keys)


def create_kek_file(path: Path) -> Path:
    """A new KEK in a new file, its owner's alone; never overwrites one (its blobs would die)."""
    return create_private(path, base64.b64encode(os.urandom(KEY_BYTES)).decode() + "\n")


if __name__ == "__main__":  # python -m shared.keys PATH
    if len(sys.argv) != 2:
        sys.exit("usage: python -m shared.keys PATH  (writes a new KEK, 0600, never overwrites)")
    try:
        print(create_kek_file(Path(sys.argv[1])))
    except FileExistsError:
        sys.exit(
            f"{sys.argv[1]} exists: a KEK is never overwritten (what it wrapped would be lost)"
        )
