"""A real SMTP server for tests (aiosmtpd), keeping every mail it receives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from shared.messaging.local_broker import free_port


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


@contextmanager
def mail_server() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on a free local port, keeping what it receives: the box and port."""
    box, port = Mailbox(), free_port()
    server = Controller(box, hostname="127.0.0.1", port=port)
    server.start()
    try:
        yield box, port
    finally:
        server.stop()
