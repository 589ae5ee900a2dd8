"""Who files a complaint and when it was received (CMP-2, CMP-11). Pure.

The receipt time starts the 8-day acknowledgement (CMP-3) and the breaches monitoring counts
(CMP-12), and puts the complaint in a year's register and report (CMP-9); the complainant's
person decides who reads the file (CMP-10). A member filing through the portal may state
none of these: the service takes them from the login and its clock. Staff register what
reached the fund another way, with the moment it arrived."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.contracts.complaints import RegisterComplaint
from shared.refusal import Refused

# Letters are registered within days of arriving; a year leaves room for one found late
# (misfiled, forwarded by another fund). An older date is a typing slip (2016 for 2026) that
# would reopen a year already reported (CMP-9) and count a years-long breach (CMP-3).
OLDEST_RECEIPT = timedelta(days=365)

# Why a member may not state each fact the service sets for them.
_SET_FOR_MEMBERS = {
    "complainant_person": "a member files a complaint in their own name only",
    "channel": "a member's complaint comes through the portal",
    "anonymous": "a member is known by their login",
    "member_number": "the fund's records say which member a person is",
    "received_at": "the service's clock says when a member's complaint was received",
}


class IntakeRefused(Refused):
    """A registration states a fact its sender may not or cannot state."""


def from_member(command: RegisterComplaint, person: str, now: datetime) -> RegisterComplaint:
    """The member's complaint, filed as `person` through the portal at `now`. A field the
    service sets may be left out or given the same value; any other value is refused, not
    replaced, so a forged fact is never silently taken for a real one."""
    own = {
        "complainant_person": person,
        "channel": "portal",
        "anonymous": False,
        "member_number": None,
        "received_at": None,
    }
    for field, why in _SET_FOR_MEMBERS.items():
        if field in command.model_fields_set and getattr(command, field) not in (None, own[field]):
            raise IntakeRefused(f"a member may not set {field}: {why}")
    return command.model_copy(update=own | {"received_at": now})


def received_at(stated: datetime | None, now: datetime) -> datetime:
    """When the complaint reached the fund: as staff state it, else now."""
    if stated is None:
        return now
    if stated > now:
        raise IntakeRefused(
            f"received_at {stated.isoformat()} is in the future (now is {now.isoformat()})"
        )
    if stated < now - OLDEST_RECEIPT:
        raise IntakeRefused(
            f"received_at {stated.isoformat()} is more than {OLDEST_RECEIPT.days} days ago: "
            "check the date on the letter"
        )
    return stated
