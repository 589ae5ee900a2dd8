"""Contracts of the dossier service: the member booklet (lidboekje) and its persons (DOS-1,
DOS-2). Identifiers are validated on the way in (shared.identifiers)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

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

Language = Literal["nl", "fr", "de"]


class Address(BaseModel):
    """Where a person lives, in Belgium or abroad."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    # Declared first because validation runs in this order and the country decides how the
    # postal code is checked.
    country: CountryCode
    street: str = Field(min_length=1, max_length=100)
    house_number: str = Field(min_length=1, max_length=10)
    box: str | None = Field(default=None, min_length=1, max_length=10, description="bus / boîte")
    postal_code: str | None = Field(
        default=None, max_length=20, description="required in Belgium; some countries have none"
    )
    municipality: str = Field(min_length=1, max_length=100)

    @field_validator("postal_code")
    @classmethod
    def _postal_code_of_the_country(cls, value: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("country")  # absent when the country itself was refused
        return value if value is None or country is None else normalize_postal_code(value, country)

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

    national_register_number: Insz
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
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


@commands.register
class ChangeAddress(Command):
    """DOS-1: a person moved; each person's address changes on its own (a child may live
    elsewhere than the holder)."""

    type_name = "ChangeAddress"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz
    address: Address


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


@events.register
class MemberEnrolled(Event):
    type_name = "MemberEnrolled"
    version = 2  # v2: the holder has an address and an entitlement

    booklet_id: str
    holder: Person


@events.register
class DependantAdded(Event):
    type_name = "DependantAdded"
    version = 2  # v2: the dependant has an address and an entitlement

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


@events.register
class AddressChanged(Event):
    type_name = "AddressChanged"

    booklet_id: str
    national_register_number: str
    address: Address


@events.register
class EntitlementChanged(Event):
    type_name = "EntitlementChanged"

    booklet_id: str
    national_register_number: str
    entitlement: Entitlement
    since: date = Field(description="the day the new codes and VT status apply from")


def _unknown_address_and_entitlement(role: str):
    def upcast(payload: dict[str, Any]) -> dict[str, Any]:
        # v1 kept neither; unknown is what they are, not something to invent.
        payload[role] = {"address": None, "entitlement": None, **payload[role]}
        return payload

    return upcast


events.upcaster("MemberEnrolled", from_version=1)(_unknown_address_and_entitlement("holder"))
events.upcaster("DependantAdded", from_version=1)(_unknown_address_and_entitlement("dependant"))
