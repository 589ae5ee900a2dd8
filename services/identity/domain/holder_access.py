"""Whether a booklet's holder may act for one of its persons (ID-7): the person's own say (a
mandate, a refusal) and identity's decisions under the federation's policy, as one stream of
events per (holder, person). Pure: history, facts and the clock in; events out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from services.identity.domain.person_access import Decision, Relation, decide
from shared.aggregate import Aggregate
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
class HolderAccess(Aggregate):
    """Unlike most aggregates it needs the time of its events: whether the person refused
    within e-Mut's month decides the access. `HolderAccessRefused` carries no time (its
    envelope's `occurred_at` is when it happened, as for every event): the aggregate reads it
    as `happened_at`, which the repository sets from the envelope and a decision from `now`."""

    holder: str
    person: str
    allowed: bool = False
    mandate: bool = False
    refused_at: datetime | None = None

    # `holder` and `person` are person ids (the dossier's).

    @classmethod
    def stream(cls, holder: str, person: str) -> str:
        return f"holder-access-{uuid.uuid5(uuid.NAMESPACE_URL, f'{holder}/{person}')}"

    def give_mandate(self, now: datetime) -> None:
        if self.mandate:
            raise HolderAccessError("the holder already has your mandate")
        self.record(AccessMandateGiven(person=self.person, holder=self.holder), at=now)

    def withdraw_mandate(self, now: datetime) -> None:
        if not self.mandate:
            raise HolderAccessError("the holder has no mandate of yours to withdraw")
        self.record(AccessMandateWithdrawn(person=self.person, holder=self.holder), at=now)

    def refuse(self, now: datetime) -> None:
        if self.refused_at is not None:
            raise HolderAccessError("you already refused the holder's access")
        self.record(HolderAccessRefused(person=self.person, holder=self.holder), at=now)

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
            self.record(change(holder=self.holder, person=self.person, why=decision.why), at=now)
        return decision

    def apply(self, event: Event) -> None:
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
                if self.happened_at is None:
                    raise TypeError("a refusal needs its time: rebuild with (event, time) pairs")
                self.refused_at = self.happened_at
