"""The app's PIN (ID-8, seed 000: "log in through CSAM, then set a PIN to log in faster"):
only a session opened with a digital key may set one, and wrong PINs revoke the device."""

from __future__ import annotations

# RFC 8176 methods of the identity providers' assertions (see mutualis.idp).
DIGITAL_KEYS = frozenset({"eid", "itsme", "csam"})
MAX_PIN_ATTEMPTS = 5
PIN_PATTERN = r"^[0-9]{5}$"


def may_set_pin(authenticated_by: str) -> bool:
    return authenticated_by in DIGITAL_KEYS


def revokes(failed_attempts: int) -> bool:
    return failed_attempts >= MAX_PIN_ATTEMPTS
