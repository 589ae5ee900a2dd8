"""Commands sealed for the service that handles them (principle 7, issue 10).

Whoever reads a `<service>.commands` topic, the broker's disks or their backups would read the
personal data of every command for the topic's retention, an erased person's too. So the sender
encrypts the payload to the service: an ephemeral X25519 key, ECDH with the service's command
key of the day (its epoch: shared.privacy.command_keys), HKDF-SHA256 into a one-command
AES-256-GCM key bound to the service, the epoch and the command id; the command's id, type and
service are the associated data. The envelope's `payload` becomes
`{"$sealed": "<base64 nonce + ciphertext>"}` and its `sealed_for` names the epoch and the
ephemeral public key. The service destroys an epoch's private key once no command sealed for
it can still be on the topic: from then on nobody, the service included, reads those commands.

Sealing is not authentication (anyone may seal for a public key): the command proof
(shared.command_proof) covers the payload as sent, sealed.

Pure functions: the caller looks the keys up and hands them in."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared import jsoncodec
from shared.contracts.envelope import CommandEnvelope, SealedFor

SEALED = "$sealed"
NONCE_BYTES = 12
EPOCH = timedelta(days=1)


class CannotOpen(Exception):
    """The command's payload is not one this service can open; the reason says why."""


class Destroyed:
    """The private key of an epoch that was destroyed: what was sealed for it is gone."""


DESTROYED = Destroyed()


def epoch_of(moment: datetime) -> str:
    """The epoch (a UTC day, `2026-03-02`) `moment` falls in."""
    return moment.astimezone(UTC).date().isoformat()


def validity(epoch: str) -> tuple[datetime, datetime]:
    """When commands are sealed for the epoch's key: its UTC day."""
    start = datetime.combine(datetime.fromisoformat(epoch).date(), time(), UTC)
    return start, start + EPOCH


class CommandKey(BaseModel):
    """A record of `<service>.command-keys`, keyed by epoch: the public key commands for
    `service` are sealed with during the epoch; `public_key` None: the key was destroyed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: str
    epoch: str
    public_key: str | None
    valid_from: AwareDatetime
    valid_until: AwareDatetime

    @property
    def record_key(self) -> bytes:
        return self.epoch.encode()

    @property
    def destroyed(self) -> bool:
        return self.public_key is None


def public_record(service: str, epoch: str, public: X25519PublicKey | None) -> CommandKey:
    valid_from, valid_until = validity(epoch)
    raw = None if public is None else base64.b64encode(_raw(public)).decode()
    return CommandKey(
        service=service,
        epoch=epoch,
        public_key=raw,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def key_for(records: Iterable[CommandKey], now: datetime) -> CommandKey | None:
    """The key to seal with at `now`, from a keys topic's records in their order (the last
    record of an epoch is its state): the one valid now; else, for a sender whose clock is
    behind the service's, the next one (it is destroyed later, never sooner); None if none."""
    latest = {record.epoch: record for record in records}
    usable = sorted(
        (r for r in latest.values() if not r.destroyed and r.valid_until > now),
        key=lambda r: r.valid_from,
    )
    current = [r for r in usable if r.valid_from <= now]
    return (current or usable or [None])[0]


def seal(envelope: CommandEnvelope, key: CommandKey) -> CommandEnvelope:
    """`envelope` with its payload sealed for `key`'s service and epoch."""
    if key.public_key is None:
        raise ValueError(f"{key.service}'s key of {key.epoch} is destroyed")
    recipient = X25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = _raw(ephemeral.public_key())
    secret = _one_command_key(
        ephemeral.exchange(recipient),
        ephemeral_raw + _raw(recipient),
        f"{key.service}\0{key.epoch}\0{envelope.command_id}",
    )
    nonce = os.urandom(NONCE_BYTES)
    plaintext = jsoncodec.dumps(envelope.payload)
    sealed = nonce + AESGCM(secret).encrypt(nonce, plaintext, _associated(envelope, key.service))
    return envelope.model_copy(
        update={
            "payload": {SEALED: base64.b64encode(sealed).decode()},
            "sealed_for": SealedFor(
                epoch=key.epoch,
                ephemeral_key=base64.b64encode(ephemeral_raw).decode(),
            ),
        }
    )


def sealed_epoch(envelope: CommandEnvelope) -> str:
    """The epoch whose key opens the command; raises CannotOpen when it is not sealed."""
    if envelope.sealed_for is None or set(envelope.payload) != {SEALED}:
        raise CannotOpen("its payload is in clear")
    return envelope.sealed_for.epoch


def open_sealed(
    envelope: CommandEnvelope, service: str, private: X25519PrivateKey | Destroyed | None
) -> CommandEnvelope:
    """`envelope` with its payload opened by `service`'s `private` key of the epoch it names
    (None: the service has no key of that epoch); raises CannotOpen."""
    epoch = sealed_epoch(envelope)
    if private is None:
        raise CannotOpen(f"sealed for epoch {epoch}, for which {service} has no key")
    if isinstance(private, Destroyed):
        raise CannotOpen(f"sealed for epoch {epoch}, whose key is destroyed")
    try:
        ephemeral = base64.b64decode(envelope.sealed_for.ephemeral_key, validate=True)
        sealed = base64.b64decode(str(envelope.payload[SEALED]), validate=True)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    except (binascii.Error, ValueError):  # not base64, no X25519 key, a low-order point
        raise CannotOpen("its sealed form is malformed") from None
    secret = _one_command_key(
        shared,
        ephemeral + _raw(private.public_key()),
        f"{service}\0{epoch}\0{envelope.command_id}",
    )
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        plaintext = AESGCM(secret).decrypt(nonce, ciphertext, _associated(envelope, service))
    except (InvalidTag, ValueError):
        raise CannotOpen(
            "it does not open: altered, or sealed for another command, type or service"
        ) from None
    try:
        payload = jsoncodec.loads(plaintext)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise CannotOpen("what it seals is no JSON object")
    return envelope.model_copy(update={"payload": payload, "sealed_for": None})


def _one_command_key(shared: bytes, public_keys: bytes, bound_to: str) -> bytes:
    """The AES key of one command: from the ECDH secret, salted with both public keys (the
    ephemeral one and the service's), bound to the service, the epoch and the command id."""
    info = f"mutualis-command-v1\0{bound_to}".encode()
    return HKDF(hashes.SHA256(), length=32, salt=public_keys, info=info).derive(shared)


def _associated(envelope: CommandEnvelope, service: str) -> bytes:
    return "\0".join((envelope.command_id, envelope.type, service)).encode()


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
