"""Contracts of the optional hospitalisation insurances of Neutra (seed 003): which one a person
holds, from when, and until when (DOS-8). The dossier records them; einvoicing invoices their
premiums and payments computes hospital claims on them.

A product is one of five, named here once for every service. A subscription's product and dates
stay in clear, like a membership's: they say which contract a person has, not why they were
cared for. The waiting periods are not in the events: they follow from the dates and the
rules (shared/insurance/rules.yaml), so a corrected rule needs no new event."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator

from shared.contracts.dossier import MEMBER_SERVICES
from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import Insz


class Product(StrEnum):
    """The Neutra hospitalisation insurances, in cover order, lowest first."""

    BASE = "base"
    OPTIMUM = "optimum"
    PLUS = "plus"
    CONFORT = "confort"
    TOP = "top"

    @property
    def label(self) -> str:
        return "Neutra +" if self is Product.PLUS else f"Neutra {self.value.capitalize()}"


class EarlierCover(BaseModel):
    """A hospitalisation insurance the person held before, up to the day before this one starts
    (continuity): `level` is the Neutra product it compares with. A similar one (an equal or
    higher level) counts for the waiting periods."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: Product
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> EarlierCover:
        if self.ends_on < self.starts_on:
            raise ValueError("an earlier cover cannot end before it started")
        return self


@commands.register
class SubscribeToInsurance(Command):
    """DOS-8: the completed request of a holder or dependant to join a Neutra insurance reached
    the fund on `received_on`; cover starts on the first day of the next month. Asked while
    the person holds another, it switches: the old one ends on the last day of this month and
    the new one continues it."""

    type_name = "SubscribeToInsurance"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz
    product: Product
    received_on: date
    earlier_cover: EarlierCover | None = None


@commands.register
class EndInsurance(Command):
    """DOS-8: the person leaves their Neutra insurance; the request reached the fund on
    `received_on`, and cover ends on the last day of that month."""

    type_name = "EndInsurance"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz
    received_on: date


@events.register
class InsuranceSubscribed(Event):
    """DOS-8: the person is insured by `product` from `starts_on` (its first day covered), on a
    request received on `received_on`; `earlier_cover` when it continues one (a switch, or a
    similar insurance held before)."""

    type_name = "InsuranceSubscribed"

    booklet_id: str
    person_id: str
    product: Product
    received_on: date
    starts_on: date
    earlier_cover: EarlierCover | None = None


@events.register
class InsuranceEnded(Event):
    """DOS-8: the person's `product` covers up to and including `last_day`."""

    type_name = "InsuranceEnded"

    booklet_id: str
    person_id: str
    product: Product
    last_day: date
