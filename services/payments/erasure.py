"""A person the dossier erased (DOS-12), or one category of whose data reached the end of its
retention (DOS-13): payments shreds its own keys of what it holds of them — the care their
certificates describe (health), the accounts they were paid on (financial) — and forgets who
they are, and with their care the GMD, medical agreements, dentist years and hospital claims
it kept in clear.
An erasure keeps the financial records, restricted, as the law does (the dossier says which
categories in `restricted`): payments stay in the books, their account shown as restricted
until the financial retention ends, in the bank files the fund keeps too, which name the
account and its holder in clear."""

from __future__ import annotations

from dataclasses import dataclass

from services.payments import payments_made, sepa
from services.payments.care_records import Certificates
from services.payments.domain.personal_data import RESTRICTED
from services.payments.hospital_read_model import HospitalClaims
from services.payments.members import Members
from services.payments.payables import TransferFiles
from services.payments.payment_runs import end_to_end_id
from shared.aggregate import Aggregate
from shared.contracts import Event, EventEnvelope, events
from shared.contracts.dossier import PersonErased, RetentionEnded
from shared.contracts.payments import PaymentsPersonalDataShredded
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository
from shared.privacy.marking import ERASED

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
    if "health" in shred:
        await uow.view(Members).forget_care(event.person_id)
        await uow.view(Certificates).forget_care_years(event.person_id)
        await uow.view(HospitalClaims).forget(event.person_id)
    if "financial" in shred or "financial" in restricted:
        shown = ERASED if "financial" in shred else RESTRICTED
        await _conceal_in_transfer_files(uow, event.person_id, shown)
    aggregates = Repository.for_event(uow, envelope)
    record = await aggregates.get(PersonsData, event.person_id)
    record.shredded(shred, restricted)
    await aggregates.save(record)


async def _conceal_in_transfer_files(uow: UnitOfWork, person_id: str, shown: str) -> None:
    """The person's name and account in the bank files of the runs that paid them, shown as
    "restricted" (or "erased"), as the history shows them."""
    made = await payments_made.made_to(uow, person_id)
    theirs = {end_to_end_id(p.payment_id) for p in made}
    files = uow.view(TransferFiles)
    for name, content in (await files.of_runs({p.run_id for p in made})).items():
        concealed = sepa.conceal_creditors(content, theirs, shown)
        if concealed != content:
            await files.rewrite(name, concealed)
