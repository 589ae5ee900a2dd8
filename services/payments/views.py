"""What the payments API shows beyond the history's rows: a payment's receipt, the household's
maximum bill, the dental care pass, the runs and what waits for an account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.payments import receipts
from services.payments.benefit_attests import BenefitAttest, PaidPeriod, render_benefit_attest
from services.payments.domain import dental
from services.payments.domain.benefit import Period
from services.payments.domain.maf import shipped_maf_rules
from services.payments.members import members
from services.payments.payables import Payables
from services.payments.read_model import history, history_lines, maf_years, payment_runs
from shared.reference import RegionalFund
from shared.service import Runtime


class MafStatus(BaseModel):
    year: int
    counted: Decimal
    ceiling: Decimal | None
    bracket: int | None
    social: bool
    chronic_reduction: Decimal
    thresholds_crossed: list[Decimal]
    refunded: Decimal
    overpaid: Decimal
    ceiling_passed: bool
    # The year has no official figures yet: the last known year's are used.
    provisional: bool
    source: str | None


class DentalYear(BaseModel):
    year: int
    visits: int


class DentalPass(BaseModel):
    years: list[DentalYear]
    # The lower co-payment this year: reimbursed dental care last year (from age 18).
    regular_this_year: bool | None
    # No reimbursed dental care yet this year: a visit keeps the lower co-payment next year.
    visit_needed_this_year: bool


class RunView(BaseModel):
    run_id: str
    part: int
    value_date: date
    payments: int
    amount: Decimal
    held: int
    transfer_file: str | None


class Waiting(BaseModel):
    person_id: str
    amount: Decimal
    items: int
    reason: str


async def maf_status(
    conn: AsyncConnection, runtime: Runtime, person_id: str, year: int
) -> MafStatus | None:
    booklet = await conn.scalar(
        select(members.c.booklet_id).where(members.c.person_id == person_id)
    )
    if booklet is None:
        return None
    row = (
        await conn.execute(
            select(maf_years).where(maf_years.c.booklet_id == booklet, maf_years.c.year == year)
        )
    ).first()
    rules = shipped_maf_rules()
    counted = row.counted if row else Decimal("0.00")
    ceiling = row.ceiling if row else None
    return MafStatus(
        year=year,
        counted=counted,
        ceiling=ceiling,
        bracket=row.bracket if row else None,
        social=row.social if row else False,
        chronic_reduction=row.chronic_reduction if row else Decimal("0.00"),
        thresholds_crossed=list(rules.thresholds_crossed(year, counted)),
        refunded=row.refunded if row else Decimal("0.00"),
        overpaid=row.overpaid if row else Decimal("0.00"),
        ceiling_passed=ceiling is not None and counted > ceiling,
        provisional=row.provisional if row and row.ceiling is not None else rules.provisional(year),
        source=row.source if row else None,
    )


async def dental_pass(conn: AsyncConnection, person_id: str, today: date) -> DentalPass | None:
    born = await conn.scalar(select(members.c.birth_date).where(members.c.person_id == person_id))
    if born is None:
        return None
    rows = await conn.execute(
        select(history.c.day, history.c.code).where(
            history.c.person_id == person_id, history.c.kind == "reimbursement"
        )
    )
    years: dict[int, int] = {}
    for day, code in rows:
        if code and dental.is_dental(code):
            years[day.year] = years.get(day.year, 0) + 1
    return DentalPass(
        years=[DentalYear(year=y, visits=n) for y, n in sorted(years.items(), reverse=True)],
        regular_this_year=dental.is_regular(born, today, today.year - 1 in years),
        visit_needed_this_year=today.year not in years,
    )


async def runs(conn: AsyncConnection) -> list[RunView]:
    rows = await conn.execute(
        select(payment_runs)
        .order_by(payment_runs.c.value_date.desc(), payment_runs.c.part.desc())
        .limit(200)
    )
    return [RunView.model_validate(row._mapping) for row in rows]


async def waiting(conn: AsyncConnection) -> list[Waiting]:
    return [
        Waiting(person_id=p, amount=a, items=n, reason="no_iban: no bank account on file")
        for p, a, n in await Payables(conn).waiting()
    ]


async def receipt_pdf(conn, runtime: Runtime, payment, items, language: str | None) -> bytes:
    person = (
        await conn.execute(select(members).where(members.c.person_id == payment.person_id))
    ).first()
    federation = runtime.store.federation
    language = language or (person.language if person is not None else "nl")
    receipt = receipts.Receipt(
        payment_id=payment.payment_id,
        value_date=payment.value_date,
        person_name=payment.payee_name,
        beneficiary_name=payment.payee_name,
        iban=payment.iban,
        amount=payment.amount,
        items=tuple(
            receipts.ReceiptItem(
                care_date=item.day,
                provider_name=item.provider_name or "",
                description=item.description or _kind(item.kind, language),
                fee=item.legal_fee or item.amount,
                reimbursed=item.amount,
                kind=item.kind,
            )
            for item in items
        ),
        federation=federation,
        fund=_fund_of(federation, person),
    )
    return receipts.render_receipt(receipt, language)


async def benefit_attest_pdf(
    conn, runtime: Runtime, person_id: str, year: int, language: str | None
) -> bytes | None:
    """DOS-10: the benefits paid to the person in `year`; None when none was."""
    person = (await conn.execute(select(members).where(members.c.person_id == person_id))).first()
    rows = await conn.execute(
        select(history_lines)
        .where(
            history_lines.c.person_id == person_id,
            history_lines.c.kind == "benefit",
            history_lines.c.status == "paid",
            history_lines.c.value_date.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .order_by(history_lines.c.day)
    )
    periods = []
    for row in rows:
        start = date.fromisoformat(row.item_id.rpartition(":")[2])  # domain.benefit.period_item
        days = Period(start, row.day).benefit_days
        periods.append(PaidPeriod(start, row.day, days, row.value_date, row.amount))
    if person is None or not periods:
        return None
    federation = runtime.store.federation
    attest = BenefitAttest(
        year=year,
        person_name=person.name or "",
        national_register_number=person.national_register_number or "",
        periods=tuple(periods),
        made_on=runtime.clock.now().date(),
        federation=federation,
        fund=_fund_of(federation, person),
    )
    return render_benefit_attest(attest, language or person.language)


def _fund_of(federation, person) -> RegionalFund | None:
    """The person's regional fund in the reference data, if known."""
    if person is not None and person.regional_fund in federation.fund_ids:
        return federation.fund(person.regional_fund)
    return None


def _kind(kind: str, language: str) -> str:
    names = {
        "maf_refund": ("Terugbetaling maximumfactuur", "Remboursement maximum à facturer"),
        "benefit": ("Uitkering arbeidsongeschiktheid", "Indemnité d'incapacité de travail"),
        "youth_savings": ("Jongerensparen", "Épargne jeunes"),
        "reimbursement": ("Terugbetaling", "Remboursement"),
    }
    nl, fr = names.get(kind, (kind, kind))
    return fr if language == "fr" else nl


class HospitalLineView(BaseModel):
    line: int
    kind: str
    year: int
    asked: Decimal
    left: Decimal
    benefit: Decimal
    row: str | None
    reasons: list[str]


class HospitalClaimView(BaseModel):
    """PAY-5: a claim decided: the product held and the level whose table paid, what was asked
    and the benefit, the refusal's reason if refused, and each line's computation."""

    claim_id: str
    product: str | None
    level: str | None
    filed_on: date
    care_date: date
    care_kind: str
    asked: Decimal
    benefit: Decimal
    refusal: str | None
    lines: list[HospitalLineView]
