"""Who produced an event, proved rather than declared.

Anybody who can write to a topic can write any bytes and any header there, so neither the
envelope's `producer` nor a header is proof. Every record a service publishes is signed with
that service's producer key (Ed25519), and carries the key's certificate: a token the trust
root signed, saying which producer the key belongs to. Every service is configured with the
root's public key only. A consumer accepts an event only when the certificate verifies with
the root, the signature verifies with the certified key, and the certified producer is the
one that owns the topic the event came from. Identity's token-signing keys
(`SigningKeyPublished`) and its access decisions (`AccessGranted`, …) are therefore trusted
exactly as far as the root vouches for identity.

The root's private key signs certificates and nothing else: `mutualis trust init` makes it
and the services' credentials (locally, `make run` does); in a deployment it stays with the
operator, offline or in a KMS, and each service gets only its own credential.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from shared.privacy.sharing import init_sharing_keys
from shared.private_files import replace_private

ISSUER = "mutualis-trust-root"
CERTIFICATE_HEADER = "producer-certificate"
SIGNATURE_HEADER = "producer-signature"
ROOT_PUBLIC_FILE = "root.pub"
ROOT_PRIVATE_FILE = "root.key"


class Untrusted(Exception):
    """The record's producer is not proved; it must not be applied."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class ProducerCredential:
    """A service's producer key and the root's certificate of it."""

    producer: str
    key: Ed25519PrivateKey
    certificate: str

    def sign(self, value: bytes) -> dict[str, str]:
        """The headers that prove this producer wrote `value`."""
        return {
            CERTIFICATE_HEADER: self.certificate,
            SIGNATURE_HEADER: _b64(self.key.sign(value)),
        }

    def dumps(self) -> str:
        private = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return json.dumps(
            {"producer": self.producer, "private_key": private, "certificate": self.certificate}
        )

    @classmethod
    def loads(cls, text: str) -> ProducerCredential:
        data = json.loads(text)
        key = serialization.load_pem_private_key(data["private_key"].encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("a producer key is an Ed25519 key")
        return cls(data["producer"], key, data["certificate"])


class TrustRoot:
    """Verifies who produced a record, with the root's public key only."""

    def __init__(self, public_key: Ed25519PublicKey) -> None:
        self.public_key = public_key
        # A producer sends the same certificate with every record: check it once.
        self._certified: dict[str, tuple[str, Ed25519PublicKey]] = {}

    def producer_of(self, value: bytes, headers: Mapping[str, bytes | str]) -> str:
        """The producer the root certifies wrote `value`; raises Untrusted."""
        certificate, signature = headers.get(CERTIFICATE_HEADER), headers.get(SIGNATURE_HEADER)
        if not certificate or not signature:
            raise Untrusted("the record is not signed by a producer")
        producer, key = self._certificate(_text(certificate))
        try:
            key.verify(_unb64(_text(signature)), value)
        except (InvalidSignature, ValueError):
            raise Untrusted(f"the signature is not {producer}'s") from None
        return producer

    def _certificate(self, certificate: str) -> tuple[str, Ed25519PublicKey]:
        known = self._certified.get(certificate)
        if known:
            return known
        try:
            claims = jwt.decode(
                certificate,
                self.public_key,
                algorithms=["EdDSA"],
                issuer=ISSUER,
                options={"require": ["iss", "sub", "key"]},
            )
            key = Ed25519PublicKey.from_public_bytes(_unb64(claims["key"]))
        except (jwt.PyJWTError, ValueError) as error:
            raise Untrusted(f"the producer certificate is not the root's: {error}") from None
        if len(self._certified) > 1000:  # certificates are few; a flood of forged ones is not
            self._certified.clear()
        self._certified[certificate] = claims["sub"], key
        return claims["sub"], key


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def certify(root: Ed25519PrivateKey, producer: str) -> ProducerCredential:
    """A new producer key for `producer`, certified by the root."""
    key = Ed25519PrivateKey.generate()
    claims = {"iss": ISSUER, "sub": producer, "key": _b64(_raw_public(key.public_key()))}
    return ProducerCredential(producer, key, jwt.encode(claims, root, algorithm="EdDSA"))


# Trust material on disk: one folder, the root's public key and each service's credential.


def credential_file(folder: Path, producer: str) -> Path:
    return folder / f"{producer}.credential"


def load_root(folder: Path) -> TrustRoot:
    path = folder / ROOT_PUBLIC_FILE
    if not path.exists():
        raise FileNotFoundError(
            f"no trust root at {path}: `mutualis trust init {folder}` makes one"
        )
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return TrustRoot(key)


def load_credential(folder: Path, producer: str) -> ProducerCredential:
    path = credential_file(folder, producer)
    if not path.exists():
        raise FileNotFoundError(
            f"no producer credential at {path}: `mutualis trust issue {producer}` makes one"
        )
    credential = ProducerCredential.loads(path.read_text())
    if credential.producer != producer:
        raise ValueError(f"{path} is {credential.producer}'s credential, not {producer}'s")
    return credential


def init(folder: Path, producers: Iterable[str]) -> None:
    """Makes a root (unless the folder has one), a credential for each producer lacking one and
    the sharing keys of personal data (shared.privacy.sharing) that are missing."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    root_file = folder / ROOT_PRIVATE_FILE
    if not root_file.exists():
        root = Ed25519PrivateKey.generate()
        replace_private(
            root_file,
            root.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode(),
        )
        public = root.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (folder / ROOT_PUBLIC_FILE).write_bytes(public)
    for producer in producers:
        if not credential_file(folder, producer).exists():
            issue(folder, producer)
    init_sharing_keys(folder)


def issue(folder: Path, producer: str) -> Path:
    """(Re)issues `producer`'s credential with the root's private key kept in `folder`."""
    root = serialization.load_pem_private_key((folder / ROOT_PRIVATE_FILE).read_bytes(), None)
    if not isinstance(root, Ed25519PrivateKey):
        raise ValueError("the trust root is an Ed25519 key")
    path = credential_file(folder, producer)
    replace_private(path, certify(root, producer).dumps())
    return path
