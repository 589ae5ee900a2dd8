"""Issue 10, principle 7: a command's payload travels sealed for the service that handles it
(X25519 + HKDF-SHA256 + AES-256-GCM, shared.privacy.command_sealing). It opens with that
service's key of the epoch it was sealed for, for that command id, type and service only;
anything else is a clear refusal, never a crash."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from shared.contracts import CommandEnvelope
from shared.privacy.command_sealing import (
    DESTROYED,
    SEALED,
    CannotOpen,
    epoch_of,
    key_for,
    open_sealed,
    public_record,
    seal,
    sealed_epoch,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EPOCH = "2026-03-02"
PAYLOAD = {
    "booklet_id": "b-1",
    "holder": {"first_name": "Wannes", "national_register_number": "79021405731"},
}
PRIVATE = X25519PrivateKey.generate()
KEY = public_record("dossier", EPOCH, PRIVATE.public_key())


def command(**fields) -> CommandEnvelope:
    return CommandEnvelope(type="EnrolMember", payload=PAYLOAD, issued_at=NOW, **fields)


def test_issue10_p7_a_sealed_command_opens_for_its_service_with_its_epochs_key():
    sent = seal(command(), KEY)

    assert set(sent.payload) == {SEALED}
    assert sent.sealed_for.epoch == EPOCH
    assert "Wannes" not in sent.model_dump_json() and "79021405731" not in sent.model_dump_json()
    opened = open_sealed(sent, "dossier", PRIVATE)
    assert opened.payload == PAYLOAD
    assert (opened.command_id, opened.type, opened.sealed_for) == (sent.command_id, sent.type, None)


def test_issue10_p7_each_command_is_sealed_under_a_key_of_its_own():
    one, two = seal(command(), KEY), seal(command(), KEY)

    assert one.sealed_for.ephemeral_key != two.sealed_for.ephemeral_key
    assert one.payload != two.payload


def test_issue10_p7_a_tampered_ciphertext_does_not_open():
    sent = seal(command(), KEY)
    raw = bytearray(base64.b64decode(sent.payload[SEALED]))
    raw[-1] ^= 1
    tampered = sent.model_copy(update={"payload": {SEALED: base64.b64encode(raw).decode()}})

    with pytest.raises(CannotOpen, match="does not open: altered"):
        open_sealed(tampered, "dossier", PRIVATE)


@pytest.mark.parametrize(
    "change",
    [{"type": "ErasePerson"}, {"command_id": "another-command"}],
    ids=["another type", "another command id"],
)
def test_issue10_p7_a_sealed_payload_moved_to_another_command_does_not_open(change):
    moved = seal(command(), KEY).model_copy(update=change)

    with pytest.raises(CannotOpen, match="sealed for another command, type or service"):
        open_sealed(moved, "dossier", PRIVATE)


def test_issue10_p7_a_command_sealed_for_another_service_does_not_open():
    sent = seal(command(), KEY)

    with pytest.raises(CannotOpen, match="sealed for another command, type or service"):
        open_sealed(sent, "complaints", PRIVATE)


def test_issue10_p7_another_key_of_the_same_epoch_does_not_open_it():
    with pytest.raises(CannotOpen, match="does not open"):
        open_sealed(seal(command(), KEY), "dossier", X25519PrivateKey.generate())


def test_issue10_p7_an_unknown_or_destroyed_epoch_is_a_clear_refusal():
    sent = seal(command(), KEY)

    with pytest.raises(CannotOpen, match="sealed for epoch 2026-03-02, for which dossier has no"):
        open_sealed(sent, "dossier", None)
    with pytest.raises(CannotOpen, match="sealed for epoch 2026-03-02, whose key is destroyed"):
        open_sealed(sent, "dossier", DESTROYED)


def test_issue10_p7_a_payload_in_clear_is_not_sealed():
    with pytest.raises(CannotOpen, match="its payload is in clear"):
        sealed_epoch(command())
    # The marker without the key it names, or the key named beside a clear payload.
    sent = seal(command(), KEY)
    with pytest.raises(CannotOpen, match="in clear"):
        sealed_epoch(sent.model_copy(update={"sealed_for": None}))
    with pytest.raises(CannotOpen, match="in clear"):
        open_sealed(sent.model_copy(update={"payload": PAYLOAD}), "dossier", PRIVATE)


@pytest.mark.parametrize(
    "change",
    [
        {"payload": {SEALED: "not base64!"}},
        {"ephemeral_key": "AAAA"},
        {"ephemeral_key": base64.b64encode(bytes(32)).decode()},  # a low-order point
    ],
    ids=["ciphertext not base64", "ephemeral key too short", "ephemeral key of order 1"],
)
def test_issue10_p7_a_malformed_sealed_form_is_a_clear_refusal(change):
    sent = seal(command(), KEY)
    if "ephemeral_key" in change:
        sealed_for = sent.sealed_for.model_copy(update=change)
        sent = sent.model_copy(update={"sealed_for": sealed_for})
    else:
        sent = sent.model_copy(update=change)

    with pytest.raises(CannotOpen, match="malformed"):
        open_sealed(sent, "dossier", PRIVATE)


def test_issue10_p7_an_epoch_is_a_utc_day():
    assert epoch_of(datetime(2026, 3, 2, 23, 30, tzinfo=UTC)) == "2026-03-02"
    assert epoch_of(datetime.fromisoformat("2026-03-03T00:30:00+01:00")) == "2026-03-02"
    assert (KEY.valid_from, KEY.valid_until) == (
        datetime(2026, 3, 2, tzinfo=UTC),
        datetime(2026, 3, 3, tzinfo=UTC),
    )


def test_issue10_p7_a_sender_seals_with_the_key_valid_now():
    today, tomorrow = KEY, public_record("dossier", "2026-03-03", PRIVATE.public_key())
    yesterday = public_record("dossier", "2026-03-01", PRIVATE.public_key())

    assert key_for([yesterday, today, tomorrow], NOW) == today
    # A clock behind the service's takes the next key: it is destroyed later, never sooner.
    assert key_for([today, tomorrow], NOW - timedelta(days=3)) == today
    # A key that ended is never taken: it may be destroyed before the command leaves the topic.
    assert key_for([yesterday], NOW) is None
    assert key_for([], NOW) is None


def test_issue10_p7_the_last_record_of_an_epoch_is_its_state():
    destroyed = public_record("dossier", EPOCH, None)

    assert destroyed.destroyed and destroyed.public_key is None
    assert key_for([KEY, destroyed], NOW) is None
    with pytest.raises(ValueError, match="destroyed"):
        seal(command(), destroyed)
