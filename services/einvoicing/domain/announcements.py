"""What the fund tells every e-invoicing member (INV-5, INV-6): maintenance that limits or
suspends the service, and a change of the terms, announced at least 15 working days before it
takes effect (seed 001). Each announcement is a stream of its own, recorded once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.aggregate import Aggregate
from shared.contracts import Event
from shared.contracts.einvoicing import (
    AnnounceMaintenance,
    AnnounceTermsChange,
    MaintenanceAnnounced,
    TermsChangeAnnounced,
)
from shared.refusal import Refused
from shared.working_days import working_days_between

TERMS_NOTICE_WORKING_DAYS = 15  # INV-6


@dataclass
class Announcement(Aggregate):
    notice_id: str

    @classmethod
    def stream(cls, notice_id: str) -> str:
        return f"announcement-{notice_id}"

    def maintenance(self, command: AnnounceMaintenance) -> None:
        self._new()
        self.record(MaintenanceAnnounced(notice_id=self.notice_id, **command.model_dump()))

    def terms_change(self, command: AnnounceTermsChange, today: date) -> None:
        self._new()
        ahead = working_days_between(today, command.takes_effect_on)
        if ahead < TERMS_NOTICE_WORKING_DAYS:
            raise Refused(
                f"a change of the terms is announced {TERMS_NOTICE_WORKING_DAYS} working days "
                f"before it takes effect: {command.takes_effect_on} is {ahead} working days away"
            )
        self.record(
            TermsChangeAnnounced(
                notice_id=self.notice_id, announced_on=today, **command.model_dump()
            )
        )

    def _new(self) -> None:
        if not self.is_new:
            raise Refused(f"announcement {self.notice_id} is made already")

    def apply(self, event: Event) -> None:
        pass  # that it exists is its state
