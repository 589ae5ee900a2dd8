"""Issue 8, item 8, without I/O but a file or two: the key-encryption key (shared.keys) that
keeps keys at rest wrapped, its context binding, its rotation and its settings."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from pydantic import ValidationError

from shared.keys import CannotUnwrap, KekSettings, LocalKek, create_kek_file, wrapped_by

CONTEXT = b"identity-signing-key:k1"
SECRET = b"-----BEGIN PRIVATE KEY-----\nnot really\n-----END PRIVATE KEY-----\n"


def new_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def no_kek(monkeypatch):
    """No KEK in the environment, whatever the session's fixture set."""
    monkeypatch.delenv("MUTUALIS_KEK", raising=False)
    monkeypatch.delenv("MUTUALIS_KEK_FILE", raising=False)
    return monkeypatch


def test_issue8_8_a_wrapped_key_unwraps_with_its_kek_and_context_and_shows_nothing():
    kek = LocalKek([new_key()])

    wrapped = kek.wrap(SECRET, CONTEXT)

    assert b"PRIVATE KEY" not in wrapped
    assert wrapped_by(wrapped) == kek.key_id
    assert kek.unwrap(wrapped, CONTEXT) == SECRET
    assert kek.wrap(SECRET, CONTEXT) != wrapped  # a fresh nonce each time


def test_issue8_8_a_wrapped_key_does_not_unwrap_for_another_key_id():
    kek = LocalKek([new_key()])
    wrapped = kek.wrap(SECRET, CONTEXT)

    with pytest.raises(CannotUnwrap, match="wrapped for something else, or altered"):
        kek.unwrap(wrapped, b"identity-signing-key:k2")


def test_issue8_8_another_kek_cannot_unwrap_and_says_which_kek_wrapped():
    ours, theirs = LocalKek([new_key()]), LocalKek([new_key()])

    with pytest.raises(CannotUnwrap) as refused:
        theirs.unwrap(ours.wrap(SECRET, CONTEXT), CONTEXT)

    assert ours.key_id in str(refused.value) and theirs.key_id in str(refused.value)


def test_issue8_8_an_altered_blob_does_not_unwrap():
    kek = LocalKek([new_key()])
    wrapped = bytearray(kek.wrap(SECRET, CONTEXT))
    wrapped[-1] ^= 1

    with pytest.raises(CannotUnwrap):
        kek.unwrap(bytes(wrapped), CONTEXT)
    with pytest.raises(CannotUnwrap, match="not a wrapped key"):
        kek.unwrap(SECRET, CONTEXT)


def test_issue8_8_a_rotated_kek_wraps_with_the_new_key_and_unwraps_blobs_of_the_old():
    old_key, new = new_key(), new_key()
    old = LocalKek([old_key])
    rotated = LocalKek([new, old_key])
    wrapped_before = old.wrap(SECRET, CONTEXT)

    assert rotated.unwrap(wrapped_before, CONTEXT) == SECRET
    assert rotated.key_id != old.key_id
    assert wrapped_by(rotated.wrap(SECRET, CONTEXT)) == rotated.key_id
    assert LocalKek([old_key]).key_id == old.key_id  # an id is the key's, on every machine


def test_issue8_8_without_a_kek_the_settings_fail_and_say_how_to_make_one(no_kek):
    with pytest.raises(ValidationError) as refused:
        KekSettings()

    message = str(refused.value)
    assert "MUTUALIS_KEK_FILE" in message and "python -m shared.keys" in message


def test_issue8_8_a_kek_from_a_file_or_the_environment_is_the_same_kek(no_kek, tmp_path):
    path = create_kek_file(tmp_path / "kek")
    no_kek.setenv("MUTUALIS_KEK_FILE", str(path))
    from_file = KekSettings().key_encryption_key()
    no_kek.delenv("MUTUALIS_KEK_FILE")
    no_kek.setenv("MUTUALIS_KEK", path.read_text().strip())
    from_environment = KekSettings().key_encryption_key()

    assert from_file.key_id == from_environment.key_id
    assert from_environment.unwrap(from_file.wrap(SECRET, CONTEXT), CONTEXT) == SECRET


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("MUTUALIS_KEK", "", "holds no key"),
        ("MUTUALIS_KEK", base64.b64encode(bytes(range(16))).decode(), "not 32 bytes"),
        ("MUTUALIS_KEK", "not base64!", "not 32 bytes"),
        ("MUTUALIS_KEK_FILE", "/nonexistent/kek", "No such file"),
    ],
)
def test_issue8_8_a_kek_that_is_no_key_fails_the_settings(no_kek, variable, value, reason):
    no_kek.setenv(variable, value)

    with pytest.raises(ValidationError, match=reason):
        KekSettings()


def test_issue8_8_two_keks_configured_at_once_fail_the_settings(no_kek, tmp_path):
    no_kek.setenv("MUTUALIS_KEK_FILE", str(create_kek_file(tmp_path / "kek")))
    no_kek.setenv("MUTUALIS_KEK", base64.b64encode(new_key()).decode())

    with pytest.raises(ValidationError, match="keep one"):
        KekSettings()


def test_issue8_8_a_new_kek_file_is_private_and_never_replaces_one(tmp_path):
    path = create_kek_file(tmp_path / "kek")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        create_kek_file(path)
