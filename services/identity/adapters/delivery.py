"""Delivering one-time codes: by e-mail through an SMTP server, by text message through a
gateway (none here: a stand-in says what it would have sent). A failed delivery is logged and
never changes the answer the requester got."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from services.identity.config import IdentitySettings
from services.identity.domain.one_time_codes import Channel, CodeMessage
from shared.logging import get_logger

log = get_logger(__name__)


class Sender(Protocol):
    async def send(self, to: str, message: CodeMessage) -> None: ...


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    async def send(self, to: str, message: CodeMessage) -> None:
        await asyncio.to_thread(self._send, to, message)

    def _send(self, to: str, message: CodeMessage) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, to, message.subject
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            smtp.send_message(mail)


class NotSent:
    """Where no mail server or SMS gateway is configured. The code stays out of the log: a
    log is no place for a credential."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    async def send(self, to: str, message: CodeMessage) -> None:
        log.warning("code.not_sent", channel=self.channel, reason="no sender configured")


@dataclass(frozen=True)
class Senders:
    email: Sender
    sms: Sender

    @classmethod
    def from_settings(cls, settings: IdentitySettings) -> Senders:
        email: Sender = NotSent("email")
        if settings.smtp_host:
            email = SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
        return cls(email=email, sms=NotSent("sms"))

    def of(self, channel: Channel) -> Sender:
        return self.email if channel == "email" else self.sms


async def deliver(sender: Sender, channel: Channel, to: str, message: CodeMessage) -> None:
    try:
        await sender.send(to, message)
    except Exception as error:  # noqa: BLE001 - the requester's answer is already given
        log.error("code.delivery_failed", channel=channel, error=type(error).__name__)
