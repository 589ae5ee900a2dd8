"""PAY-5: a hospitalisation-insurance claim, decided when it is filed. The cover of the day of
care and its waiting periods (shared/insurance/cover.py) say which product's table pays, if
any; the calculator (services/payments/domain/hospital) computes every line; the decision is
one event on the person's claims, and its benefit an item the next payment run pays."""

from __future__ import annotations

from decimal import Decimal

from services.payments.covers import Covers
from services.payments.domain.hospital import care as domain
from services.payments.domain.hospital.claims import ClaimDecision, decide_claim
from services.payments.domain.hospital.insured import InsuredClaims, claim_item_id, usage_of
from services.payments.domain.hospital.products import LineKind
from services.payments.domain.payment_run import Item
from services.payments.members import Members
from services.payments.payables import Payables
from shared.clock import brussels_day
from shared.contracts import hospital as contract
from shared.contracts.hospital import FileHospitalClaim, HospitalClaimDecided, LineDecided
from shared.insurance.cover import Kind, cover_on
from shared.messaging.commands import CommandContext
from shared.refusal import Refused

ZERO = Decimal("0.00")


async def file_hospital_claim(command: FileHospitalClaim, ctx: CommandContext) -> None:
    member = await ctx.uow.view(Members).find(command.national_register_number)
    if member is None:
        raise Refused("no member of the fund has this national register number")
    claims = await ctx.aggregates.get(InsuredClaims, member.person_id)
    care, lines = _care(command.care), tuple(_line(line) for line in command.lines)
    care_date = domain.care_date(care, lines)
    decided = {
        "claim_id": command.claim_id,
        "person_id": member.person_id,
        "booklet_id": member.booklet_id,
        "filed_on": command.filed_on,
        "care_date": care_date,
        "care_kind": command.care.kind,
        "asked": sum((line.charged for line in lines), ZERO),
    }
    cover = await ctx.uow.view(Covers).on(member.person_id, care_date)
    if cover is None:
        refusal = f"no Neutra insurance covers {care_date.isoformat()}"
        event = HospitalClaimDecided(
            **decided, product=None, level=None, benefit=ZERO, refusal=refusal
        )
    else:
        kind = (
            Kind.ACCIDENT
            if command.accident_on
            else Kind.PREGNANCY
            if command.pregnancy
            else Kind.ILLNESS
        )
        level = cover_on(cover, care_date, kind, member.birth_date, event_on=command.accident_on)
        if not level.covered or level.product is None:
            event = HospitalClaimDecided(
                **decided, product=cover.product, level=None, benefit=ZERO, refusal=level.reason
            )
        else:
            claim = domain.Claim(
                product=level.product,
                filed_on=command.filed_on,
                care=care,
                lines=lines,
                country=command.country,
                causes=frozenset(domain.Cause(cause) for cause in command.causes),
            )
            event = _decided(decided, cover.product, decide_claim(claim, claims.usage))
    claims.decide(event)
    await ctx.aggregates.save(claims)
    if event.benefit > 0:
        item = Item(
            item_id=claim_item_id(member.person_id, command.claim_id),
            kind="hospital_claim",
            person_id=member.person_id,
            booklet_id=member.booklet_id,
            amount=event.benefit,
            payee="member",
            care_date=care_date,
        )
        await ctx.uow.view(Payables).owe([item], brussels_day(ctx.uow.clock.now()))


def _decided(decided: dict, product, decision: ClaimDecision) -> HospitalClaimDecided:
    return HospitalClaimDecided(
        **decided,
        product=product,
        level=decision.product,
        benefit=decision.benefit,
        refusal=decision.refusal,
        lines=tuple(
            LineDecided(
                line=line.line,
                kind=line.kind.value,
                year=line.year,
                asked=line.asked,
                left=line.left,
                benefit=line.benefit,
                row=line.row,
                reasons=line.reasons,
            )
            for line in decision.lines
        ),
        usage=usage_of(dict(decision.usage)),
    )


def _care(care: contract.Care) -> domain.Care:
    match care:
        case contract.HospitalStay():
            return domain.HospitalStay(care.admitted, care.discharged, domain.Room(care.room))
        case contract.DayAdmission():
            forfait, room = domain.Forfait(care.forfait), domain.Room(care.room)
            return domain.DayAdmission(care.on, forfait, room, care.fertility_not_ziv)
        case contract.AroundStay():
            stay = domain.HospitalStay(care.admitted, care.discharged, domain.Room(care.room))
            return domain.AroundStay(stay)
        case contract.SeriousIllness():
            return domain.SeriousIllnessCare(care.disease)
        case contract.Dental():
            return domain.DentalCare()
        case contract.HomeBirth():
            return domain.HomeBirth(care.on)
        case contract.PsychiatricStay():
            return domain.PsychiatricStay(care.admitted, care.discharged, care.service)
    raise ValueError(f"unknown care {care!r}")


def _line(line: contract.ClaimLine) -> domain.Line:
    return domain.Line(**line.model_dump() | {"kind": LineKind(line.kind)})


HANDLERS = {FileHospitalClaim: file_hospital_claim}
