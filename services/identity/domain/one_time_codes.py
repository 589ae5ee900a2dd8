"""The one-time code a member registers with when they have no digital key at hand (ID-1,
seed 001 art 4), and the message that carries it (ID-10): the code and nothing else — no
link, no password, and the reminder that the fund never asks for either."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

Channel = Literal["email", "sms"]

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class CodeMessage:
    subject: str
    body: str
    short: str  # by text message: one SMS


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def verified_by(channel: Channel) -> str:
    """How the person proved who they are, as registration records it."""
    return f"{channel}_code"


def code_message(code: str) -> CodeMessage:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    return CodeMessage(
        subject="Your registration code",
        body=(
            f"Your code to register for the portal: {code}\n"
            f"It is valid for {minutes} minutes, once. Type it on the registration page "
            "where you asked for it.\n"
            "Your fund never asks for your password by e-mail or text message, and never "
            "asks you to send this code to anyone."
        ),
        short=f"Your portal registration code: {code}. Valid {minutes} min, once. Never share it.",
    )
