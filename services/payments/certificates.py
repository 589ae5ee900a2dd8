"""Care certificates in (issue 11 item 1): one at the desk, or a batch of an electronic file.
Each certificate is reimbursed or refused with its reason; one recorded before changes nothing
(idempotency by certificate id). A reimbursement due to a member or a provider becomes a
payable item, its legal co-payment counts for the household's maximum bill of the year of the
care, and a refund above the ceiling becomes an item too: all in the command's one
transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.payments import household_years
from services.payments.care_records import Certificates
from services.payments.domain import dental
from services.payments.domain.entitlement import vt_on
from services.payments.domain.household_year import CoPayment
from services.payments.domain.intake import NotReimbursed, Status, check_dates, decide
from services.payments.domain.ledger import CertificateBatch
from services.payments.domain.payment_run import Item
from services.payments.domain.tariffs import shipped_tariffs
from services.payments.members import Agreement, Gmd, Member, Members
from services.payments.payables import Payables
from shared.clock import brussels_day
from shared.contracts.payments import (
    CareCertificate,
    CareItem,
    CertificatesDecided,
    CoPaymentsCounted,
    HouseholdCount,
    ImportCareCertificates,
    NumberedCertificate,
    RecordCareCertificate,
    Refusal,
    Reimbursement,
)
from shared.messaging.commands import CommandContext
from shared.refusal import Refused


async def record_care_certificate(command: RecordCareCertificate, ctx: CommandContext) -> None:
    batch_id = ctx.derived_id("certificate")
    refused = await _decide(
        ctx, batch_id, [NumberedCertificate(line=1, certificate=command.certificate)]
    )
    if refused:
        # At the desk one certificate is the whole command: its refusal is the command's.
        raise Refused(refused[0].reason)


async def import_care_certificates(command: ImportCareCertificates, ctx: CommandContext) -> None:
    await _decide(ctx, command.batch_id, command.certificates)


HANDLERS = {
    RecordCareCertificate: record_care_certificate,
    ImportCareCertificates: import_care_certificates,
}


@dataclass(frozen=True)
class _Known:
    """What the batch's decisions need to know of its persons, read at once."""

    members: dict[str, Member]
    entitlements: dict[str, list[tuple[date, bool]]]
    gmds: dict[str, list[Gmd]]
    agreements: dict[str, list[Agreement]]
    # (person, year) of reimbursed dental care: on file, and then also decided in this batch,
    # so a later line sees an earlier one (last year's visit coming in before this year's).
    dental_on_file: frozenset[tuple[str, int]]
    dental: set[tuple[str, int]]


async def _decide(
    ctx: CommandContext, batch_id: str, lines: list[NumberedCertificate]
) -> list[Refusal]:
    today = brussels_day(ctx.now)
    tariffs = shipped_tariffs()
    known = await _load(ctx, lines)
    recorded = await ctx.uow.view(Certificates).recorded(
        {n.certificate.certificate_id for n in lines}
    )
    reimbursed: list[Reimbursement] = []
    refused: list[Refusal] = []
    seen: set[str] = set()
    for numbered in lines:
        certificate = numbered.certificate
        if certificate.certificate_id in recorded:
            continue  # imported before: nothing changes
        try:
            if certificate.certificate_id in seen:
                raise NotReimbursed("the certificate is listed twice")
            seen.add(certificate.certificate_id)
            reimbursement = _reimburse(certificate, known, tariffs, today)
            reimbursed.append(reimbursement)
            if dental.is_dental(certificate.code):
                known.dental.add((reimbursement.person_id, certificate.care_date.year))
        except NotReimbursed as refusal:
            refused.append(
                Refusal(
                    certificate_id=certificate.certificate_id,
                    line=numbered.line,
                    reason=str(refusal),
                )
            )
    if not reimbursed and not refused:
        return []
    batch = await ctx.aggregates.get(CertificateBatch, batch_id)
    batch.decide(CertificatesDecided(batch_id=batch_id, reimbursed=reimbursed, refused=refused))
    if counted := await _book(ctx, batch_id, reimbursed, known, today):
        batch.count(CoPaymentsCounted(batch_id=batch_id, households=counted))
    await ctx.aggregates.save(batch)
    return refused


async def _load(ctx: CommandContext, lines: list[NumberedCertificate]) -> _Known:
    view = ctx.uow.view(Members)
    by_number = await view.find_all({n.certificate.national_register_number for n in lines})
    persons = {m.person_id for m in by_number.values()}
    # Only a dentist's certificate asks whether its person went last year: a batch's dentist
    # patients are few of its persons, and a look-up by hundreds of ids can cost far more than
    # by tens (shared.eventstore.database.one_of).
    to_dentist = {
        n.certificate.national_register_number
        for n in lines
        if dental.is_dental(n.certificate.code)
    }
    dental_years = await ctx.uow.view(Certificates).dental_years(
        {m.person_id for number, m in by_number.items() if number in to_dentist}
    )
    return _Known(
        members=by_number,
        entitlements=await view.entitlement_history(persons),
        gmds=await view.gmds(persons),
        agreements=await view.agreements(persons),
        dental_on_file=frozenset(dental_years),
        dental=set(dental_years),
    )


def _reimburse(certificate: CareCertificate, known: _Known, tariffs, today: date) -> Reimbursement:
    check_dates(certificate, today)
    member = known.members.get(certificate.national_register_number)
    if member is None:
        raise NotReimbursed("no member of the fund has this national register number")
    care_date = certificate.care_date
    is_dental = dental.is_dental(certificate.code)
    status = Status(
        age=member.age_on(care_date),
        increased_reimbursement=vt_on(known.entitlements.get(member.person_id, []), care_date),
        gmd=any(
            g.held_by(certificate.provider_riziv_number, care_date)
            for g in known.gmds.get(member.person_id, ())
        ),
        dental_regular=(
            dental.is_regular(
                member.birth_date,
                care_date,
                (member.person_id, care_date.year - 1) in known.dental,
            )
            if is_dental
            else None
        ),
        agreement=any(
            a.covers(certificate.code, care_date)
            for a in known.agreements.get(member.person_id, ())
        ),
    )
    decision = decide(certificate, status, tariffs)
    description = decision.description_fr if member.language == "fr" else decision.description_nl
    return Reimbursement(
        certificate_id=certificate.certificate_id,
        person_id=member.person_id,
        booklet_id=member.booklet_id,
        care=CareItem(
            person_id=member.person_id,
            care_date=care_date,
            provider_riziv_number=certificate.provider_riziv_number,
            provider_name=certificate.provider_name,
            code=certificate.code,
            description=description,
        ),
        fee_asked=certificate.fee_asked,
        supplement=certificate.supplement,
        legal_fee=decision.legal_fee,
        reimbursed=decision.reimbursed,
        co_payment=decision.co_payment,
        increased_reimbursement=status.increased_reimbursement,
        gmd=status.gmd,
        paid_to="provider" if certificate.third_party_payment else "member",
        provider_iban=certificate.provider_iban,
    )


async def _book(
    ctx: CommandContext,
    batch_id: str,
    reimbursed: list[Reimbursement],
    known: _Known,
    today: date,
) -> list[HouseholdCount]:
    """What the reimbursements owe and count: payable items, the certificates recorded, the
    dental years, and the households' maximum bills (what their counters came to)."""
    await ctx.uow.view(Certificates).record(
        [
            {"certificate_id": r.certificate_id, "person_id": r.person_id, "batch_id": batch_id}
            for r in reimbursed
        ]
    )
    await ctx.uow.view(Certificates).visited_dentist(
        {(r.person_id, r.care.care_date.year) for r in reimbursed if dental.is_dental(r.care.code)}
        - known.dental_on_file
    )
    items = [
        Item(
            item_id=f"reimbursement:{r.certificate_id}",
            kind="reimbursement",
            person_id=r.person_id,
            booklet_id=r.booklet_id,
            amount=r.reimbursed,
            payee=r.paid_to,
            certificate_id=r.certificate_id,
            care_date=r.care.care_date,
            provider_riziv_number=r.care.provider_riziv_number if r.paid_to == "provider" else None,
            provider_name=r.care.provider_name if r.paid_to == "provider" else None,
            provider_iban=r.provider_iban,
        )
        for r in reimbursed
        if r.reimbursed > 0
    ]
    await ctx.uow.view(Payables).owe(items, today)
    by_year: dict[tuple[str, int], list[CoPayment]] = defaultdict(list)
    per_person: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for r in reimbursed:
        by_year[(r.booklet_id, r.care.care_date.year)].append(
            CoPayment(r.certificate_id, r.person_id, r.co_payment)
        )
        if r.co_payment:
            per_person[(r.person_id, r.care.care_date.year)] += r.co_payment
    await ctx.uow.view(Certificates).paid(per_person)
    return await household_years.count(ctx, by_year, today)
