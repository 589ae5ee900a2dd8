"""Contracts of the complaints service (klachtenprocedure, seed 004)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, EmailStr, Field

from shared.contracts.registry import Command, Event, commands, events

BRUSSELS = ZoneInfo("Europe/Brussels")

Language = Literal["nl", "fr", "de", "en"]
Channel = Literal["portal", "letter", "email", "phone", "desk"]


@commands.register
class RegisterComplaint(Command):
    """Record a complaint received through any channel (CMP-2)."""

    type_name = "RegisterComplaint"

    complainant_name: str = Field(min_length=1, max_length=200)
    complainant_email: EmailStr | None = None
    member_number: str | None = Field(None, max_length=40)
    language: Language = "nl"
    channel: Channel = "letter"
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20_000)
    # What the complaint is about: a payment, a decision or a contact (free reference for now).
    reference: str | None = Field(None, max_length=200)
    received_at: AwareDatetime | None = None


@events.register
class ComplaintFileNumberIssued(Event):
    """A file number (dossiernummer) was taken from a year's register; never reused."""

    type_name = "ComplaintFileNumberIssued"

    complaint_id: str
    year: int
    sequence: int = Field(ge=1)
    file_number: str


@events.register
class ComplaintRegistered(Event):
    """A complaint was registered under a unique file number (CMP-2).

    v2 replaced v1's calendar date `received_on` with the instant `received_at`: deadlines
    such as the 8-day acknowledgement (CMP-3) are counted from it."""

    type_name = "ComplaintRegistered"
    version = 2

    complaint_id: str
    file_number: str
    complainant_name: str
    complainant_email: str | None = None
    member_number: str | None = None
    language: Language
    channel: Channel
    subject: str
    description: str
    reference: str | None = None
    received_at: AwareDatetime


@events.upcaster("ComplaintRegistered", from_version=1)
def _received_on_becomes_received_at(payload: dict[str, Any]) -> dict[str, Any]:
    # A v1 date meant "received that day in Brussels": the start of that day is the instant.
    received_on = date.fromisoformat(payload.pop("received_on"))
    payload["received_at"] = datetime.combine(received_on, time.min, BRUSSELS).isoformat()
    return payload
