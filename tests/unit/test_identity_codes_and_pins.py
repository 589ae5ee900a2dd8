"""ID-1, ID-8, ID-10: the rules of one-time codes and app PINs, without I/O."""

from __future__ import annotations

import re

from services.identity.domain.devices import MAX_PIN_ATTEMPTS, may_set_pin, revokes
from services.identity.domain.one_time_codes import code_message, new_code, verified_by


def test_id1_a_code_is_six_random_digits():
    codes = {new_code() for _ in range(200)}

    assert all(re.fullmatch(r"[0-9]{6}", code) for code in codes)
    assert len(codes) > 190


def test_id10_the_code_message_carries_the_code_only_and_says_no_password_is_ever_asked():
    message = code_message("042517")

    assert "042517" in message.body
    assert "never asks for your password" in message.body
    assert not re.search(r"https?://|www\.", message.body + message.subject)


def test_id1_a_code_registration_records_the_channel_as_the_proof():
    assert verified_by("email") == "email_code" and verified_by("sms") == "sms_code"


def test_id8_only_a_session_opened_with_a_digital_key_may_set_a_pin():
    assert all(may_set_pin(key) for key in ("eid", "itsme", "csam"))
    assert not any(may_set_pin(other) for other in ("pwd", "pin", "email_code", "unknown"))


def test_id8_the_fifth_wrong_pin_in_a_row_revokes_the_device():
    assert MAX_PIN_ATTEMPTS == 5
    assert not revokes(4) and revokes(5)
