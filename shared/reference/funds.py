"""Federations and their regional funds: reference data shipped with the system (ORG-1).

One deployment serves one federation (landsbond); every dossier is managed by one of its
regional funds, whose contact data (address, phone, e-mail, DPO) lives in
`federations/<id>.yaml` next to this module. What differs between federations, such as who
may see whose dossier (ID-7), is configuration in the same file, not code (ORG-2).

The data is read with importlib.resources, so it works from an installed wheel as well as
from the source tree. No I/O besides reading those shipped files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    model_validator,
)

from shared.reference.provinces import ProvinceId, province_of

_PACKAGE = __name__.rpartition(".")[0]
_DATA_DIR = "federations"

Language = Literal["nl", "fr", "de", "en"]
FundKind = Literal["ziekenfonds", "mob"]
"""`ziekenfonds`: a health fund that manages members' dossiers. `mob`: a mutual-assistance
company (MOB/VMOB/SMOB: care fund, optional hospitalisation insurance) listed with them."""

_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_PHONE = re.compile(r"^0[1-9][0-9 ]+$")


def _belgian_phone(value: str) -> str:
    """A Belgian number in national notation as the seeds write it, e.g. `02 417 17 17`."""
    digits = value.replace(" ", "")
    # Zone numbers and 0800 have 9 digits; mobile numbers (04xx) have 10.
    lengths = (9, 10) if digits.startswith("04") else (9,)
    if not _PHONE.match(value) or len(digits) not in lengths:
        raise ValueError(f"not a Belgian phone number in national notation: {value!r}")
    return value


BelgianPhone = Annotated[str, AfterValidator(_belgian_phone)]
Website = Annotated[str, Field(pattern=r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")]
SeedRef = Annotated[str, Field(pattern=r"^\d{3}:\d+(-\d+)?$")]
"""Where the data comes from: seed number and line(s), e.g. `001:45-49`."""
Age = Annotated[int, Field(ge=0, le=120)]


def e164(phone: str) -> str:
    """`02 417 17 17` → `+3224171717`."""
    return "+32" + phone.replace(" ", "")[1:]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(_Frozen):
    street: str = Field(min_length=1)
    postal_code: str = Field(pattern=r"^[1-9]\d{3}$")
    city: str = Field(min_length=1)

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


class Contact(_Frozen):
    """One way to reach a fund, a desk or a DPO; whatever the seeds do not give is None."""

    label: str | None = None
    address: Address | None = None
    phone: BelgianPhone | None = None
    fax: BelgianPhone | None = None
    email: EmailStr | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if self.address is None and self.phone is None and self.email is None:
            raise ValueError("a contact needs at least an address, a phone number or an e-mail")
        return self

    @property
    def phone_e164(self) -> str | None:
        return None if self.phone is None else e164(self.phone)


class EMutPolicy(_Frozen):
    """Seed 000 art 3: parents see children under 16; from 16 the child gives a mandate; a
    child of 16 or over with its own password may block the parent within one month, else
    the parent gets access after that month."""

    kind: Literal["emut"] = "emut"
    child_access_until_age: Age
    mandate_from_age: Age
    child_may_block: bool
    child_block_window_months: int = Field(ge=1, le=12)

    @model_validator(mode="after")
    def _no_gap(self) -> EMutPolicy:
        if self.mandate_from_age > self.child_access_until_age:
            raise ValueError("mandate_from_age must not exceed child_access_until_age")
        return self


class MyLMPolicy(_Frozen):
    """Seed 001 art 3: holders see dependants under 18; a registered minor may revoke that;
    adult dependants only by their explicit grant."""

    kind: Literal["mylm"] = "mylm"
    dependant_access_until_age: Age
    minor_may_revoke: bool
    adult_requires_explicit_grant: bool


AccessPolicy = Annotated[EMutPolicy | MyLMPolicy, Field(discriminator="kind")]


class RegionalFund(_Frozen):
    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    # Other spellings of the name in the seeds.
    aliases: tuple[str, ...] = ()
    kind: FundKind
    # The fund's number, where a seed states it.
    fund_number: int | None = Field(default=None, ge=100, le=999)
    # Where the fund manages the dossiers of those who live there: the provinces its name in
    # the seeds names (De VoorZorg *Antwerpen*); none where the seeds do not say.
    serves: tuple[ProvinceId, ...] = ()
    website: Website | None = None
    # Offices / desks, the main one first.
    contacts: tuple[Contact, ...] = Field(min_length=1)
    dpo: Contact | None = None
    sources: tuple[SeedRef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _only_health_funds_serve_an_area(self) -> RegionalFund:
        if self.serves and not self.manages_dossiers:
            raise ValueError(f"{self.id!r} manages no dossiers: it serves no area")
        return self

    @property
    def contact(self) -> Contact:
        """The main office or desk."""
        return self.contacts[0]

    @property
    def manages_dossiers(self) -> bool:
        return self.kind == "ziekenfonds"


class Federation(_Frozen):
    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    abbreviation: str | None = None
    portal_name: str = Field(min_length=1)
    website: Website | None = None
    languages: tuple[Language, ...] = Field(min_length=1)
    headquarters: Contact
    dpo: Contact | None = None
    sources: tuple[SeedRef, ...] = Field(min_length=1)
    access_policy: AccessPolicy
    funds: tuple[RegionalFund, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Federation:
        # One fund per province, so an address has one fund to go to.
        served = [p for fund in self.health_funds for p in fund.serves]
        for what, values in (
            ("fund id", self.fund_ids),
            ("language", self.languages),
            ("province served", served),
        ):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"repeated {what} in federation {self.id!r}: {repeated}")
        return self

    @property
    def fund_ids(self) -> tuple[str, ...]:
        return tuple(fund.id for fund in self.funds)

    @property
    def health_funds(self) -> tuple[RegionalFund, ...]:
        """The funds that manage dossiers (kind `ziekenfonds`)."""
        return tuple(fund for fund in self.funds if fund.manages_dossiers)

    def fund_serving(self, postal_code: str) -> RegionalFund | None:
        """The health fund that serves the Belgian postal code, if the reference data names
        one: a federation's seeds need not list a fund for every province."""
        province = province_of(postal_code)
        if province is None:
            return None
        return next((fund for fund in self.health_funds if province.id in fund.serves), None)

    def fund(self, fund_id: str) -> RegionalFund:
        for fund in self.funds:
            if fund.id == fund_id:
                return fund
        known = ", ".join(self.fund_ids)
        raise LookupError(
            f"no regional fund {fund_id!r} in federation {self.id!r} (known: {known})"
        )


def _data_dir() -> Traversable:
    return resources.files(_PACKAGE).joinpath(_DATA_DIR)


@cache
def federation_ids() -> tuple[str, ...]:
    """The ids of the federations shipped as reference data."""
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in _data_dir().iterdir()
            if entry.is_file() and entry.name.endswith(".yaml")
        )
    )


@cache
def load_federation(federation_id: str) -> Federation:
    """The shipped reference data of one federation (`socialist`, `liberal`)."""
    if federation_id not in federation_ids():
        shipped = ", ".join(federation_ids())
        raise LookupError(f"no federation {federation_id!r} (shipped: {shipped})")
    name = f"{_DATA_DIR}/{federation_id}.yaml"
    data = yaml.safe_load(_data_dir().joinpath(f"{federation_id}.yaml").read_text("utf-8"))
    try:
        federation = Federation.model_validate(data)
    except ValidationError as error:
        error.add_note(f"in {_PACKAGE}/{name}")
        raise
    if federation.id != federation_id:
        raise ValueError(f"{name} declares id {federation.id!r}, expected {federation_id!r}")
    return federation


def load_federations() -> Mapping[str, Federation]:
    """Every shipped federation by id."""
    return {federation_id: load_federation(federation_id) for federation_id in federation_ids()}
