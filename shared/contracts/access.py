"""Contracts of access to other persons on a booklet (ID-7), published by identity.

A holder acts for a person of the booklet only while identity says so: `AccessGranted` and
`AccessRevoked` are its decisions under the federation's policy, every service keeps them in
its access projection and enforces them. The person's own say (a mandate, a refusal) is an
event too. Persons are named by their national register number, as the dossier names them."""

from __future__ import annotations

from pydantic import Field

from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import Insz


@events.register
class AccessGranted(Event):
    """From now on `holder` may see and act on `person`'s file."""

    type_name = "AccessGranted"

    holder: str
    person: str
    why: str


@events.register
class AccessRevoked(Event):
    """From now on `holder` may no longer see or act on `person`'s file."""

    type_name = "AccessRevoked"

    holder: str
    person: str
    why: str


@events.register
class AccessMandateGiven(Event):
    """The person lets the holder act for them: a mandate (e-Mut, from 16) or an explicit
    grant (My LM, from 18)."""

    type_name = "AccessMandateGiven"

    person: str
    holder: str


@events.register
class AccessMandateWithdrawn(Event):
    type_name = "AccessMandateWithdrawn"

    person: str
    holder: str


@events.register
class HolderAccessRefused(Event):
    """The person, with a password of their own, refuses the holder: a child of 16 or over
    blocking the parent within the month (e-Mut), a registered minor revoking (My LM)."""

    type_name = "HolderAccessRefused"

    person: str
    holder: str


class _PersonsSay(Command):
    """The person speaks for themselves through the portal; member services record what the
    person signed at the desk."""

    allowed_roles = frozenset({"member", "member_services", "admin"})

    person: Insz = Field(description="The national register number of the person who speaks")


@commands.register
class GiveAccessMandate(_PersonsSay):
    type_name = "GiveAccessMandate"


@commands.register
class WithdrawAccessMandate(_PersonsSay):
    type_name = "WithdrawAccessMandate"


@commands.register
class RefuseHolderAccess(_PersonsSay):
    type_name = "RefuseHolderAccess"
