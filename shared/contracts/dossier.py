"""Contracts of the dossier service: the member booklet (lidboekje) and its persons (DOS-1,
DOS-2). Identifiers are validated on the way in (shared.identifiers)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import Bic, Email, Iban, Insz, PhoneNumber

Language = Literal["nl", "fr", "de"]


class Person(BaseModel):
    """A person on a booklet: the holder (titularis) or a dependant (persoon ten laste)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    national_register_number: Insz
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    language: Language
    nationality: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    regional_fund: str = Field(description="The id of the regional fund managing the dossier")


@commands.register
class EnrolMember(Command):
    """A new member: a booklet with the member as its holder."""

    type_name = "EnrolMember"

    booklet_id: str = Field(min_length=1, max_length=64)
    holder: Person


@commands.register
class AddDependant(Command):
    type_name = "AddDependant"

    booklet_id: str
    dependant: Person


@commands.register
class ChangeContactDetails(Command):
    """DOS-2: e-mail, phone and bank account of a person; fields left out stay as they are."""

    type_name = "ChangeContactDetails"

    booklet_id: str
    national_register_number: Insz
    email: Email | None = None
    phone: PhoneNumber | None = None
    iban: Iban | None = None
    bic: Bic | None = None


@events.register
class MemberEnrolled(Event):
    type_name = "MemberEnrolled"

    booklet_id: str
    holder: Person


@events.register
class DependantAdded(Event):
    type_name = "DependantAdded"

    booklet_id: str
    dependant: Person


@events.register
class ContactDetailsChanged(Event):
    type_name = "ContactDetailsChanged"

    booklet_id: str
    national_register_number: str
    email: str | None = None
    phone: str | None = None
    iban: str | None = None
    bic: str | None = None
