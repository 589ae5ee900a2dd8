"""Contracts of access to other persons on a booklet (ID-7), published by identity.

A holder acts for a person of the booklet only while identity says so: `AccessGranted` and
`AccessRevoked` are its decisions under the federation's policy, every service keeps them in
its access projection and enforces them. The person's own say (a mandate, a refusal) is an
event too. Persons are named by their opaque person id, as the dossier names them (v2; v1 named
them by national register number, which travelled in clear on every topic)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.contracts.dossier import legacy_person_id
from shared.contracts.registry import Command, Event, commands, events


@events.register
class AccessGranted(Event):
    """From now on `holder` may see and act on `person`'s file."""

    type_name = "AccessGranted"
    version = 2

    holder: str
    person: str
    why: str


@events.register
class AccessRevoked(Event):
    """From now on `holder` may no longer see or act on `person`'s file."""

    type_name = "AccessRevoked"
    version = 2

    holder: str
    person: str
    why: str


@events.register
class AccessMandateGiven(Event):
    """The person lets the holder act for them: a mandate (e-Mut, from 16) or an explicit
    grant (My LM, from 18)."""

    type_name = "AccessMandateGiven"
    version = 2

    person: str
    holder: str


@events.register
class AccessMandateWithdrawn(Event):
    type_name = "AccessMandateWithdrawn"
    version = 2

    person: str
    holder: str


@events.register
class HolderAccessRefused(Event):
    """The person, with a password of their own, refuses the holder: a child of 16 or over
    blocking the parent within the month (e-Mut), a registered minor revoking (My LM)."""

    type_name = "HolderAccessRefused"
    version = 2

    person: str
    holder: str


class _PersonsSay(Command):
    """The person speaks for themselves through the portal; member services record what the
    person signed at the desk."""

    allowed_roles = frozenset({"member", "member_services", "admin"})

    person: str = Field(
        min_length=1, max_length=64, description="The person id of the person who speaks"
    )


@commands.register
class GiveAccessMandate(_PersonsSay):
    type_name = "GiveAccessMandate"


@commands.register
class WithdrawAccessMandate(_PersonsSay):
    type_name = "WithdrawAccessMandate"


@commands.register
class RefuseHolderAccess(_PersonsSay):
    type_name = "RefuseHolderAccess"


def _person_ids(payload: dict[str, Any]) -> dict[str, Any]:
    # v1 named both by national register number: the ids the dossier's v2 events stand for.
    return {
        **payload,
        "holder": legacy_person_id(payload["holder"]),
        "person": legacy_person_id(payload["person"]),
    }


for _name in (
    "AccessGranted",
    "AccessRevoked",
    "AccessMandateGiven",
    "AccessMandateWithdrawn",
    "HolderAccessRefused",
):
    events.upcaster(_name, from_version=1)(_person_ids)
