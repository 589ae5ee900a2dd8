"""The payments' part of a person's copy (DOS-12), read in the unit of work that records it
(shared.privacy.exports), from what is written with each decision and never behind the store:
their certificates (`certificates`) and what the fund owes or paid them (`payables`) find the
streams that tell the rest — each certificate's batch, each payment, each benefit, each
household year's maximum bill — and the person's own stream says what an erasure kept,
restricted. The history projection shows the same, but may lag: a copy is made once.

A person payments holds nothing of gets an empty part."""

from __future__ import annotations

from typing import Any

from services.payments import payments_made
from services.payments.care_records import Certificates
from services.payments.domain import personal_data
from services.payments.domain.benefit import Benefit
from services.payments.domain.household_year import HouseholdYear
from services.payments.domain.ledger import CertificateBatch
from services.payments.domain.personal_data import Held
from services.payments.erasure import PersonsData
from services.payments.members import Members
from services.payments.payables import Payables
from shared.contracts import EventEnvelope, events
from shared.contracts.payments import (
    CertificatesDecided,
    PaymentsPersonalDataShredded,
    Reimbursement,
)
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository


async def part_of(uow: UnitOfWork, request: EventEnvelope, person_id: str) -> dict[str, Any]:
    owed = await uow.view(Payables).owed_to(person_id)
    reimbursed = await _reimbursed(uow, person_id)
    member = await uow.view(Members).get(person_id)
    households, counted = [], {}
    if member is not None:
        aggregates = Repository.for_event(uow, request)
        years = sorted(personal_data.maf_years(reimbursed, owed))
        totals = await uow.view(Certificates).household_totals(
            (member.booklet_id, year) for year in years
        )
        counted = {year: total for (_, year), total in totals.items()}
        for year in years:
            household = await aggregates.get(HouseholdYear, member.booklet_id, year)
            households += [] if household.is_new and year not in counted else [household]
    held = Held(
        person_id=person_id,
        reimbursed=reimbursed,
        owed=owed,
        payments=await payments_made.paying(uow, person_id),
        benefits=[
            await _decoded(uow, Benefit.stream(benefit_id))
            for benefit_id in sorted(personal_data.benefit_ids(owed))
        ],
        households=households,
        counted=counted,
        shredded=[
            e
            for e in await _decoded(uow, PersonsData.stream(person_id))
            if isinstance(e, PaymentsPersonalDataShredded)
        ],
    )
    return personal_data.part(held)


async def _reimbursed(uow: UnitOfWork, person_id: str) -> list[Reimbursement]:
    """The person's certificates as reimbursed, each batch's decision opened for theirs only."""
    found: list[Reimbursement] = []
    for batch_id, theirs in sorted((await uow.view(Certificates).of_person(person_id)).items()):

        def mine(envelope: EventEnvelope, theirs: set[str] = theirs) -> EventEnvelope | None:
            if envelope.type != CertificatesDecided.type_name:
                return None
            payload = envelope.payload
            kept = [r for r in payload.get("reimbursed", ()) if r.get("certificate_id") in theirs]
            return envelope.model_copy(update={"payload": payload | {"reimbursed": kept}})

        stream = CertificateBatch.stream(batch_id)
        for envelope in await uow.read_stream(stream, narrow=mine):
            found += events.decode(envelope).reimbursed
    return found


async def _decoded(uow: UnitOfWork, stream_id: str) -> list:
    return [events.decode(e) for e in await uow.read_stream(stream_id)]
