"""Access of a booklet holder to another person on the booklet (ID-7), per federation policy.

e-Mut (seed 000 art 3): persons with parental authority see the file of children under 16.
Older children must give a mandate (volmacht); a child over 16 may get its own password and
then has one month to block the parent's access; if it does not, the parent gets access after
that month.

My LM (seed 001 art 3): holders see dependants under 18; a dependant under 18 who registered
personally may revoke that; dependants of 18 and over only by their explicit grant.

Pure: the facts and the clock in, the decision (and when it next changes) out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.reference import AccessPolicy, EMutPolicy, MyLMPolicy

BRUSSELS = ZoneInfo("Europe/Brussels")


@dataclass(frozen=True)
class Relation:
    """What is known of one (holder, person) pair on a booklet."""

    person_birth_date: date
    # The person gave the holder a mandate (e-Mut) or an explicit grant (My LM), not withdrawn.
    granted: bool = False
    # When the person registered with its own password, if it did.
    person_registered_at: datetime | None = None
    # When the person blocked (e-Mut) or revoked (My LM) the holder's access, if it did.
    person_refused_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    why: str
    # When the decision changes by itself (a birthday, a window ending), if it does.
    changes_at: datetime | None = None


def decide(policy: AccessPolicy, relation: Relation, now: datetime) -> Decision:
    """The policy is the federation's configuration (ORG-2): its `access_policy`."""
    if isinstance(policy, EMutPolicy):
        return _emut(policy, relation, now)
    return _mylm(policy, relation, now)


def age_on(birth_date: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def birthday(birth_date: date, age: int) -> datetime:
    """Midnight in Brussels on the day the person turns `age` (29 February → 1 March)."""
    try:
        day = birth_date.replace(year=birth_date.year + age)
    except ValueError:
        day = date(birth_date.year + age, 3, 1)
    return datetime(day.year, day.month, day.day, tzinfo=BRUSSELS)


def add_months(moment: datetime, months: int) -> datetime:
    """The same time, `months` calendar months later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def _emut(policy: EMutPolicy, relation: Relation, now: datetime) -> Decision:
    limit = policy.child_access_until_age
    grows_up = birthday(relation.person_birth_date, limit)
    if now < grows_up:
        return Decision(True, f"child under {limit}", changes_at=grows_up)
    if relation.granted:
        return Decision(True, "mandate given by the child")
    registered = relation.person_registered_at
    if registered is None:
        return Decision(False, f"child of {limit} or over without a mandate")
    window_ends = add_months(max(registered, grows_up), policy.child_block_window_months)
    refused = relation.person_refused_at if policy.child_may_block else None
    if refused is not None and refused < window_ends:
        return Decision(False, "blocked by the child within the month")
    if now < window_ends:
        return Decision(False, "the child may still block within the month", changes_at=window_ends)
    return Decision(True, "the child did not block within the month")


def _mylm(policy: MyLMPolicy, relation: Relation, now: datetime) -> Decision:
    limit = policy.dependant_access_until_age
    grows_up = birthday(relation.person_birth_date, limit)
    if now < grows_up:
        revoked = relation.person_registered_at and relation.person_refused_at
        if revoked and policy.minor_may_revoke:
            return Decision(False, "revoked by the registered minor")
        return Decision(True, f"dependant under {limit}", changes_at=grows_up)
    if relation.granted or not policy.adult_requires_explicit_grant:
        return Decision(True, "explicitly granted by the dependant")
    return Decision(False, f"dependant of {limit} or over without an explicit grant")
