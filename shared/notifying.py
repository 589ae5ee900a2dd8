"""Telling a member something: by e-mail through an SMTP server, by text message through a
gateway (none here: a stand-in logs that it would have sent, never what). One way for every
service: identity's one-time codes, einvoicing's notices (INV-3)."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal, Protocol

from shared.logging import get_logger

log = get_logger(__name__)

Channel = Literal["email", "sms"]


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class Sender(Protocol):
    async def send(self, to: str, message: Message) -> None: ...


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    async def send(self, to: str, message: Message) -> None:
        await asyncio.to_thread(self._send, to, message)

    def _send(self, to: str, message: Message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, to, message.subject
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            smtp.send_message(mail)


class NotSent:
    """Where no mail server or SMS gateway is configured. What it would have said stays out of
    the log: a message may hold a credential or personal data."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    async def send(self, to: str, message: Message) -> None:
        log.warning("message.not_sent", channel=self.channel, reason="no sender configured")


@dataclass(frozen=True)
class Senders:
    email: Sender
    sms: Sender

    @classmethod
    def configured(cls, smtp_host: str | None, smtp_port: int, smtp_sender: str) -> Senders:
        email: Sender = NotSent("email")
        if smtp_host:
            email = SmtpSender(smtp_host, smtp_port, smtp_sender)
        return cls(email=email, sms=NotSent("sms"))

    def of(self, channel: Channel) -> Sender:
        return self.email if channel == "email" else self.sms
