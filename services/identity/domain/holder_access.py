"""Whether a booklet's holder may act for one of its persons (ID-7): the person's own say (a
mandate, a refusal) and identity's decisions under the federation's policy, as one stream of
events per (holder, person). Pure: history, facts and the clock in; events out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.identity.domain.person_access import Decision, Relation, decide
from shared.contracts import Event
from shared.contracts.access import (
    AccessGranted,
    AccessMandateGiven,
    AccessMandateWithdrawn,
    AccessRevoked,
    HolderAccessRefused,
)
from shared.reference import AccessPolicy
from shared.refusal import Refused


class HolderAccessError(Refused):
    """What the person asked cannot be done; the reason is fit for the person."""


@dataclass
class HolderAccess:
    holder: str
    person: str
    version: int = 0
    allowed: bool = False
    mandate: bool = False
    refused_at: datetime | None = None
    pending: list[Event] = field(default_factory=list)

    @classmethod
    def from_history(
        cls, holder: str, person: str, history: Iterable[tuple[Event, datetime]]
    ) -> HolderAccess:
        """`history` pairs each event with when it happened (its envelope's time)."""
        access = cls(holder, person)
        for event, at in history:
            access._apply(event, at)
            access.version += 1
        return access

    def give_mandate(self, now: datetime) -> None:
        if self.mandate:
            raise HolderAccessError("the holder already has your mandate")
        self._record(AccessMandateGiven(person=self.person, holder=self.holder), now)

    def withdraw_mandate(self, now: datetime) -> None:
        if not self.mandate:
            raise HolderAccessError("the holder has no mandate of yours to withdraw")
        self._record(AccessMandateWithdrawn(person=self.person, holder=self.holder), now)

    def refuse(self, now: datetime) -> None:
        if self.refused_at is not None:
            raise HolderAccessError("you already refused the holder's access")
        self._record(HolderAccessRefused(person=self.person, holder=self.holder), now)

    def reconsider(
        self,
        policy: AccessPolicy,
        person_birth_date: date,
        person_registered_at: datetime | None,
        now: datetime,
    ) -> Decision:
        """Decides again from the facts; records a grant or revocation if the answer changed."""
        relation = Relation(
            person_birth_date=person_birth_date,
            granted=self.mandate,
            person_registered_at=person_registered_at,
            person_refused_at=self.refused_at,
        )
        decision = decide(policy, relation, now)
        if decision.allowed != self.allowed:
            change = AccessGranted if decision.allowed else AccessRevoked
            self._record(change(holder=self.holder, person=self.person, why=decision.why), now)
        return decision

    def _record(self, event: Event, at: datetime) -> None:
        self._apply(event, at)
        self.pending.append(event)

    def _apply(self, event: Event, at: datetime) -> None:
        match event:
            case AccessGranted():
                self.allowed = True
            case AccessRevoked():
                self.allowed = False
            case AccessMandateGiven():
                self.mandate = True
            case AccessMandateWithdrawn():
                self.mandate = False
            case HolderAccessRefused():
                self.refused_at = at
