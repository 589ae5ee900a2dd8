"""Contracts of the dossier service: the member booklet (lidboekje) and its persons (DOS-1,
DOS-2). Identifiers are validated on the way in (shared.identifiers).

Commands name a person by national register number, as staff and members know them. Events
name them by `person_id`, the opaque id the dossier gives a person when they join: what
identifies or reaches a person is sealed under that id (principle 7), so once the person's keys
are shredded their events still say which booklet, when and what kind of change, and nothing
of who."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import (
    Bic,
    CountryCode,
    Email,
    EntitlementCode,
    Iban,
    Insz,
    PhoneNumber,
    normalize_postal_code,
)
from shared.privacy.marking import Category, Concealed, Personal

Language = Literal["nl", "fr", "de"]

# Sealed under the event's `person_id` (shared.privacy); in commands, plain values.
Identifying = Personal("identification")
Reachable = Personal("contact")
Financial = Personal("financial")


class Address(BaseModel):
    """Where a person lives, in Belgium or abroad."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    # Declared first because validation runs in this order and the country decides how the
    # postal code is checked.
    country: CountryCode
    street: Annotated[str, Field(min_length=1, max_length=100), Reachable]
    house_number: Annotated[str, Field(min_length=1, max_length=10), Reachable]
    box: Annotated[str | None, Field(min_length=1, max_length=10), Reachable] = Field(
        default=None, description="bus / boîte"
    )
    postal_code: Annotated[str | None, Field(max_length=20), Reachable] = Field(
        default=None, description="required in Belgium; some countries have none"
    )
    municipality: Annotated[str, Field(min_length=1, max_length=100), Reachable]

    @field_validator("postal_code")
    @classmethod
    def _postal_code_of_the_country(cls, value: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("country")  # absent when the country itself was refused
        if value is None or country is None or isinstance(value, Concealed):
            return value
        return normalize_postal_code(value, country)

    @model_validator(mode="after")
    def _belgian_addresses_have_a_postal_code(self) -> Address:
        if self.country == "BE" and self.postal_code is None:
            raise ValueError("a Belgian address needs a postal code")
        return self


class Entitlement(BaseModel):
    """What the compulsory insurance reimburses a person: the codes gerechtigde CG1/CG2 and the
    verhoogde tegemoetkoming (VT, intervention majorée): a higher reimbursement, third-party
    payment and a lower MAF ceiling (PAY-3, DOS-6)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cg1: EntitlementCode
    cg2: EntitlementCode
    increased_reimbursement: bool = Field(description="VT status granted")
    increased_reimbursement_since: date | None = Field(
        default=None, description="the day VT starts; only when granted"
    )

    @model_validator(mode="after")
    def _vt_has_a_start_date_when_granted(self) -> Entitlement:
        if self.increased_reimbursement and self.increased_reimbursement_since is None:
            raise ValueError("increased reimbursement (VT) granted: give the date it starts")
        if not self.increased_reimbursement and self.increased_reimbursement_since is not None:
            raise ValueError("a start date for increased reimbursement (VT) needs VT granted")
        return self


MEMBER_SERVICES = frozenset({"member_services", "admin"})


class Person(BaseModel):
    """A person on a booklet: the holder (titularis) or a dependant (persoon ten laste)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    national_register_number: Annotated[Insz, Identifying]
    first_name: Annotated[str, Field(min_length=1, max_length=100), Identifying]
    last_name: Annotated[str, Field(min_length=1, max_length=100), Identifying]
    birth_date: date
    language: Language
    nationality: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    regional_fund: str = Field(description="The id of the regional fund managing the dossier")
    # None only for persons enrolled before DOS-1 kept these (v1 events); new ones must give
    # both, see _complete.
    address: Address | None
    entitlement: Entitlement | None


def _complete(person: Person) -> Person:
    missing = [name for name in ("address", "entitlement") if getattr(person, name) is None]
    if missing:
        raise ValueError(f"a new person needs an {' and an '.join(missing)}")
    return person


@commands.register
class EnrolMember(Command):
    """A new member: a booklet with the member as its holder."""

    type_name = "EnrolMember"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str = Field(min_length=1, max_length=64)
    holder: Person

    _holder_complete = field_validator("holder")(_complete)


@commands.register
class AddDependant(Command):
    type_name = "AddDependant"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    dependant: Person

    _dependant_complete = field_validator("dependant")(_complete)


@commands.register
class ChangeContactDetails(Command):
    """DOS-2: e-mail, phone and bank account of a person; fields left out stay as they are."""

    type_name = "ChangeContactDetails"
    # A member changes them for the persons they may act on (the handler checks).
    allowed_roles = MEMBER_SERVICES | {"member"}

    booklet_id: str
    national_register_number: Insz
    email: Email | None = None
    phone: PhoneNumber | None = None
    iban: Iban | None = None
    bic: Bic | None = None
    # GDPR art. 16: the person's rectification request this change answers, recorded as such.
    rectifies: str | None = Field(None, min_length=1, max_length=64)


@commands.register
class ChangeAddress(Command):
    """DOS-1: a person moved; each person's address changes on its own (a child may live
    elsewhere than the holder)."""

    type_name = "ChangeAddress"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz
    address: Address
    # GDPR art. 16: the person's rectification request this change answers, recorded as such.
    rectifies: str | None = Field(None, min_length=1, max_length=64)


@commands.register
class ErasePerson(Command):
    """DOS-12: a person's right to be forgotten, within legal limits (seed 002 §7), once member
    services approved the request: every service shreds the keys of the person's data, so it
    is gone from every store, topic and later backup; the events stay as structure."""

    type_name = "ErasePerson"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz


@commands.register
class ChangeEntitlement(Command):
    """DOS-1: the fund's decision on a person's CG1/CG2 and VT status, applying from `since`.
    While VT stays granted it keeps its first start date."""

    type_name = "ChangeEntitlement"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz
    cg1: EntitlementCode
    cg2: EntitlementCode
    increased_reimbursement: bool
    since: date


MembershipEnd = Literal["left", "died", "emigrated"]


@commands.register
class EndMembership(Command):
    """DOS-13: the person's membership of the fund ended on `on`: they left for a fund outside
    this federation, died or emigrated (seed 002 §6). What identifies and reaches them is kept
    until then, the rest for its retention period (shared/privacy/retention.yaml); each is
    shredded when its period ends."""

    type_name = "EndMembership"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    person_id: str = Field(min_length=1, max_length=64)
    reason: MembershipEnd
    on: date = Field(description="the day the membership ended")
    to_fund: str | None = Field(
        default=None, min_length=1, max_length=64, description="left: the fund they joined"
    )

    @model_validator(mode="after")
    def _a_fund_only_for_leaving(self) -> EndMembership:
        if self.to_fund is not None and self.reason != "left":
            raise ValueError("a fund joined goes only with leaving (reason: left)")
        return self


def legacy_person_id(national_register_number: str) -> str:
    """The person id of someone the events of before person ids name by national register
    number alone (v2 and older, stored in clear): derived from it, the same everywhere."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mutualis:person:{national_register_number}"))


@events.register
class MemberEnrolled(Event):
    type_name = "MemberEnrolled"
    # v2: the holder has an address and an entitlement; v3: the person id.
    version = 3

    booklet_id: str
    person_id: str
    holder: Person


@events.register
class DependantAdded(Event):
    type_name = "DependantAdded"
    # v2: the dependant has an address and an entitlement; v3: the person id.
    version = 3

    booklet_id: str
    person_id: str
    dependant: Person


@events.register
class ContactDetailsChanged(Event):
    type_name = "ContactDetailsChanged"
    # v2: the person by id, no longer by national register number; v3: the rectification
    # request it answers, if any (GDPR art. 16).
    version = 3

    booklet_id: str
    person_id: str
    email: Annotated[str | None, Reachable] = None
    phone: Annotated[str | None, Reachable] = None
    iban: Annotated[str | None, Financial] = None
    bic: Annotated[str | None, Financial] = None
    rectifies: str | None = None


@events.register
class AddressChanged(Event):
    type_name = "AddressChanged"
    version = 3  # v2: the person by id; v3: the rectification request it answers, if any

    booklet_id: str
    person_id: str
    address: Address
    rectifies: str | None = None


@events.register
class EntitlementChanged(Event):
    type_name = "EntitlementChanged"
    version = 2  # v2: the person by id

    booklet_id: str
    person_id: str
    entitlement: Entitlement
    since: date = Field(description="the day the new codes and VT status apply from")


@events.register
class PersonErased(Event):
    """The person's personal data is erased (DOS-12): every service shreds its keys of the
    person and scrubs what it shows of them, except the categories the law keeps
    (`restricted`, DOS-13): those stay shown as restricted until their retention ends."""

    type_name = "PersonErased"
    version = 2  # v2: the categories kept restricted

    booklet_id: str
    person_id: str
    restricted: tuple[Category, ...] = ()


@events.register
class MemberLeft(Event):
    """DOS-13: the person left the fund for one outside this federation (seed 002 §6)."""

    type_name = "MemberLeft"

    booklet_id: str
    person_id: str
    on: date
    to_fund: str | None = None


@events.register
class MemberDied(Event):
    """DOS-13: the person died; their membership ended that day."""

    type_name = "MemberDied"

    booklet_id: str
    person_id: str
    on: date


@events.register
class MemberEmigrated(Event):
    """DOS-13: the person moved abroad; their membership ended that day."""

    type_name = "MemberEmigrated"

    booklet_id: str
    person_id: str
    on: date


@events.register
class RetentionEnded(Event):
    """DOS-13: the retention of one category of the person's data ended: the dossier shredded
    its key of it in the same transaction, so what that key sealed reads as erased everywhere;
    a service that keeps that category of the person under keys of its own shreds them."""

    type_name = "RetentionEnded"

    booklet_id: str
    person_id: str
    category: Category


def _unknown_address_and_entitlement(role: str):
    def upcast(payload: dict[str, Any]) -> dict[str, Any]:
        # v1 kept neither; unknown is what they are, not something to invent.
        payload[role] = {"address": None, "entitlement": None, **payload[role]}
        return payload

    return upcast


def _person_id_of(role: str | None):
    def upcast(payload: dict[str, Any]) -> dict[str, Any]:
        person = payload[role] if role else payload
        key = "national_register_number"
        nrn = person[key] if role else payload.pop(key)
        return {**payload, "person_id": legacy_person_id(nrn)}

    return upcast


events.upcaster("MemberEnrolled", from_version=1)(_unknown_address_and_entitlement("holder"))
events.upcaster("DependantAdded", from_version=1)(_unknown_address_and_entitlement("dependant"))
events.upcaster("MemberEnrolled", from_version=2)(_person_id_of("holder"))
events.upcaster("DependantAdded", from_version=2)(_person_id_of("dependant"))
for _changed in ("ContactDetailsChanged", "AddressChanged", "EntitlementChanged"):
    events.upcaster(_changed, from_version=1)(_person_id_of(None))


@events.upcaster("PersonErased", from_version=1)
def _nothing_restricted(payload: dict[str, Any]) -> dict[str, Any]:
    # Before retention, an erasure shredded every category at once.
    return {"restricted": [], **payload}


def _no_rectification(payload: dict[str, Any]) -> dict[str, Any]:
    # Before v3 a change answered no request on record.
    return {**payload, "rectifies": None}


for _changed in ("ContactDetailsChanged", "AddressChanged"):
    events.upcaster(_changed, from_version=2)(_no_rectification)
