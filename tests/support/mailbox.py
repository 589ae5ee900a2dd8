"""A real SMTP server for tests (aiosmtpd), keeping every mail it receives."""

from __future__ import annotations

from email import message_from_bytes, policy


class Mailbox:
    """An SMTP server's handler keeping what it receives."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.mails.append((list(envelope.rcpt_tos), mail))
        return "250 OK"

    def to(self, address: str) -> list:
        return [mail for recipients, mail in self.mails if address in recipients]
