"""Telling a member something: by e-mail through an SMTP server, by text message through an
SMS gateway's HTTP API (`HttpSms`). One way for every service: identity's one-time codes,
einvoicing's notices (INV-3). Where neither is configured, a stand-in logs that it would have
sent, never what.

The gateway's access token is read from a file (a mounted secret), never from a variable a
process listing or a crash report shows, and stays out of every log and error."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol

import httpx
from pydantic import Field, HttpUrl
from pydantic_settings import BaseSettings

from shared.logging import get_logger

log = get_logger(__name__)

Channel = Literal["email", "sms"]


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    # What a text message says, when the body is too long for one (about 160 characters).
    short: str | None = None


class Sender(Protocol):
    async def send(self, to: str, message: Message) -> None: ...


class NotifyingSettings(BaseSettings):
    """How a service reaches members; each service reads them under its own prefix
    (IDENTITY_SMTP_HOST, EINVOICING_SMS_GATEWAY_URL, ...)."""

    # Mail goes out through this SMTP server (none: not sent, and logged so).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "no-reply@mutualis.invalid"
    # Text messages go to this SMS gateway endpoint (none: not sent, and logged so), with the
    # access token in the file `sms_gateway_token_file`, from the sender name `sms_sender`
    # (an alphanumeric sender id: at most 11 characters).
    sms_gateway_url: HttpUrl | None = None
    sms_gateway_token_file: Path | None = None
    sms_sender: str = Field("Mutualis", min_length=1, max_length=11, pattern=r"^[A-Za-z0-9 ]+$")


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


class SmsRefused(Exception):
    """The gateway did not take the message: its HTTP status only (its answer may repeat the
    number or the text)."""


class HttpSms:
    """An SMS gateway's REST API, as most of them take a message: `POST` JSON
    `{"from", "to", "text"}` with `Authorization: Bearer <token>`; any 2xx means accepted for
    delivery. The number is sent as the contracts hold it (E.164, +32…)."""

    def __init__(self, url: str, token: str, sender: str, timeout: float = 30) -> None:
        self.url, self.sender, self.timeout = url, sender, timeout
        self._headers = {"Authorization": f"Bearer {token}"}

    async def send(self, to: str, message: Message) -> None:
        text = message.short or message.body
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            answer = await client.post(
                self.url,
                json={"from": self.sender, "to": to, "text": text},
                headers=self._headers,
            )
        if not answer.is_success:
            raise SmsRefused(f"the SMS gateway answered HTTP {answer.status_code}")


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
    def configured(cls, settings: NotifyingSettings) -> Senders:
        email: Sender = NotSent("email")
        sms: Sender = NotSent("sms")
        if settings.smtp_host:
            email = SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
        if settings.sms_gateway_url:
            if settings.sms_gateway_token_file is None:
                raise ValueError("an SMS gateway needs its token file (SMS_GATEWAY_TOKEN_FILE)")
            token = settings.sms_gateway_token_file.read_text().strip()
            sms = HttpSms(str(settings.sms_gateway_url), token, settings.sms_sender)
        return cls(email=email, sms=sms)

    def of(self, channel: Channel) -> Sender:
        return self.email if channel == "email" else self.sms
