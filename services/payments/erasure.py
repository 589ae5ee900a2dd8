"""A person the dossier erased (DOS-12), or one category of whose data reached the end of its
retention (DOS-13): payments shreds its own keys of what it holds of them — the care their
certificates describe (health), the accounts they were paid on (financial) — and forgets who
they are. An erasure keeps the financial records, restricted, as the law does (the dossier says
which categories in `restricted`): payments stay in the books, their account shown as
restricted until the financial retention ends."""

from __future__ import annotations

from dataclasses import dataclass

from services.payments.members import Members
from shared.aggregate import Aggregate
from shared.contracts import Event, EventEnvelope, events
from shared.contracts.dossier import PersonErased, RetentionEnded
from shared.contracts.payments import PaymentsPersonalDataShredded
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository

# What payments seals under a person.
HELD = ("health", "financial")


@dataclass
class PersonsData(Aggregate):
    """What payments did with a person's data: a stream per person, for the record."""

    person_id: str

    @classmethod
    def stream(cls, person_id: str) -> str:
        return f"payments-person-{person_id}"

    def shredded(self, categories: list[str], restricted: list[str]) -> None:
        self.record(
            PaymentsPersonalDataShredded(
                person_id=self.person_id, categories=categories, restricted=restricted
            )
        )

    def apply(self, event: Event) -> None:
        pass


async def apply_dossier_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type not in (PersonErased.type_name, RetentionEnded.type_name):
        return
    event = events.decode(envelope)
    if isinstance(event, PersonErased):
        restricted = [c for c in HELD if c in event.restricted]
        shred = [c for c in HELD if c not in restricted]
        await uow.view(Members).forget_identity(event.person_id)
    else:
        if event.category == "identification":
            await uow.view(Members).forget_identity(event.person_id)
        if event.category not in HELD:
            return
        restricted, shred = [], [event.category]
    if shred:
        await uow.shred(event.person_id, shred)
    aggregates = Repository.for_event(uow, envelope)
    record = await aggregates.get(PersonsData, event.person_id)
    record.shredded(shred, restricted)
    await aggregates.save(record)
