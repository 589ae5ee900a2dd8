"""The financial history (PAY-1): one line per thing the fund owes or paid a person — a
reimbursed service with what its certificate carries, a MAF refund, a benefit period, a youth
savings payout (DOS-7) — with where it stands (due, waiting for an account, paid) and the
payment that paid it; and one row per payment, for its detail and receipt (PAY-2). Rebuilt
from payments' own events."""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    case,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert

from services.payments.domain.benefit import period_item
from services.payments.domain.hospital.insured import claim_item_id
from services.payments.domain.personal_data import RESTRICTED
from services.payments.premiums import refund_item_id
from shared.contracts import Event, EventEnvelope
from shared.contracts.hospital import HospitalClaimDecided
from shared.contracts.payments import (
    BenefitPeriodDue,
    CertificatesDecided,
    CoPaymentsCounted,
    MafCeilingSet,
    MafOverpaid,
    MafRefundDue,
    PaymentHeld,
    PaymentMade,
    PaymentRunCompleted,
    PaymentsPersonalDataShredded,
    PremiumPaid,
    PremiumRefundDue,
    ProviderPaid,
    Reimbursement,
)
from shared.contracts.youth_savings import YouthSavingsPayoutDue
from shared.eventstore.database import UpdateByKey, insert_on_conflict
from shared.privacy.marking import ERASED

metadata = MetaData()

history = Table(
    "history",
    metadata,
    Column("item_id", String(160), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    # reimbursement | maf_refund | benefit | youth_savings | hospital_claim | premium
    Column("kind", String(16), nullable=False),
    # The day it is about: the care, the benefit period's end, the refund's decision, the end
    # of a youth savings, a hospital claim's care.
    Column("day", Date, nullable=False, index=True),
    Column("certificate_id", String(64)),
    Column("provider_name", String(100)),
    Column("code", String(6)),
    Column("description", String(300)),
    Column("fee_asked", Numeric(12, 2)),
    Column("legal_fee", Numeric(12, 2)),
    Column("supplement", Numeric(12, 2)),
    Column("co_payment", Numeric(12, 2)),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("paid_to", String(8), nullable=False),  # member | provider | fund (a premium)
    # due | held | paid (paid when decided: nothing to pay, or a premium the member paid)
    Column("status", String(8), nullable=False),
)

# The payment that paid each line, and its value date: written once as the payment is shown,
# where marking the line's row rewrote it and its five index entries (64 s of a million-item
# run's PostgreSQL work).
history_paid = Table(
    "history_paid",
    metadata,
    Column("item_id", String(160), primary_key=True),
    Column("payment_id", String(36), nullable=False, index=True),
    Column("value_date", Date, nullable=False),
)

# The history as read: each line with where it stands and the payment that paid it.
history_lines = (
    select(
        *(c for c in history.c if c.name != "status"),
        case((history_paid.c.item_id.is_not(None), literal("paid")), else_=history.c.status).label(
            "status"
        ),
        history_paid.c.payment_id,
        history_paid.c.value_date,
    )
    .outerjoin(history_paid, history_paid.c.item_id == history.c.item_id)
    .subquery("history_lines")
)

payments = Table(
    "payments",
    metadata,
    Column("payment_id", String(36), primary_key=True),
    Column("run_id", String(32), nullable=False, index=True),
    Column("person_id", String(64), index=True),  # the member paid; null: a provider
    Column("payee_name", String(100), nullable=False),
    Column("iban", String(34), nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("items", Integer, nullable=False),
    Column("value_date", Date, nullable=False, index=True),
)


# The maximum bill of each household and year (DOS-6), as its stream stands.
maf_years = Table(
    "maf_years",
    metadata,
    Column("booklet_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("counted", Numeric(12, 2), nullable=False),
    Column("ceiling", Numeric(12, 2)),
    Column("bracket", Integer),
    Column("social", Boolean, nullable=False),
    Column("chronic_reduction", Numeric(12, 2), nullable=False),
    Column("provisional", Boolean, nullable=False),
    Column("source", Text),
    Column("refunded", Numeric(12, 2), nullable=False),
    Column("overpaid", Numeric(12, 2), nullable=False),
)


payment_runs = Table(
    "payment_runs",
    metadata,
    Column("run_id", String(32), primary_key=True),
    Column("part", Integer, primary_key=True),
    Column("value_date", Date, nullable=False),
    Column("payments", Integer, nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("held", Integer, nullable=False),
    Column("transfer_file", String(80)),
)


class PaymentsHistory:
    name = "payments_history"
    tables = (history, history_paid, payments, maf_years, payment_runs)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case CertificatesDecided(reimbursed=reimbursed) if reimbursed:
                # The rows as parameters, the cheap way a million of them are written.
                await conn.execute(insert(history), [_reimbursement(r) for r in reimbursed])
            case CoPaymentsCounted(households=households):
                rows = [
                    _NEW_MAF_YEAR
                    | {"booklet_id": h.booklet_id, "year": h.year, "counted": h.counted}
                    for h in households
                ]
                await conn.execute(_counted(insert_on_conflict(conn)), rows)
            case MafCeilingSet() as ceiling:
                await _maf_year(
                    conn,
                    ceiling.booklet_id,
                    ceiling.year,
                    ceiling=ceiling.ceiling,
                    bracket=ceiling.bracket,
                    social=ceiling.social,
                    chronic_reduction=ceiling.chronic_reduction,
                    provisional=ceiling.provisional,
                    source=ceiling.source,
                )
            case MafOverpaid(booklet_id=booklet, year=year, amount=amount):
                await _maf_year(conn, booklet, year, overpaid=maf_years.c.overpaid + amount)
            case MafRefundDue() as refund:
                await _maf_year(
                    conn,
                    refund.booklet_id,
                    refund.year,
                    refunded=maf_years.c.refunded + refund.amount,
                )
                await conn.execute(
                    insert(history).values(
                        item_id=f"refund:{refund.refund_id}",
                        person_id=refund.person_id,
                        booklet_id=refund.booklet_id,
                        kind="maf_refund",
                        day=envelope.occurred_at.date(),
                        certificate_id=refund.certificate_id,
                        amount=refund.amount,
                        paid_to="member",
                        status="due",
                    )
                )
            case BenefitPeriodDue() as period:
                await conn.execute(
                    insert(history).values(
                        item_id=period_item(period.benefit_id, period.start),
                        person_id=period.person_id,
                        booklet_id="",
                        kind="benefit",
                        day=period.end,
                        amount=period.amount,
                        paid_to="member",
                        status="due",
                    )
                )
            case HospitalClaimDecided() as claim if claim.benefit > 0:
                await conn.execute(
                    insert(history).values(
                        item_id=claim_item_id(claim.person_id, claim.claim_id),
                        person_id=claim.person_id,
                        booklet_id=claim.booklet_id,
                        kind="hospital_claim",
                        day=claim.care_date,
                        description=f"{claim.level.label}: {claim.care_kind.replace('_', ' ')}",
                        fee_asked=claim.asked,
                        amount=claim.benefit,
                        paid_to="member",
                        status="due",
                    )
                )
            case PremiumPaid() as premium:
                await conn.execute(
                    insert(history).values(
                        item_id=f"premium:{premium.invoice_number}",
                        person_id=premium.person_id,
                        booklet_id=premium.booklet_id,
                        kind="premium",
                        day=premium.paid_on,
                        description=f"invoice {premium.invoice_number}, {premium.period:%Y-%m}",
                        amount=premium.amount,
                        paid_to="fund",
                        status="paid",
                    )
                )
            case PremiumRefundDue() as refund:
                await conn.execute(
                    insert(history).values(
                        item_id=refund_item_id(refund.entry_id),
                        person_id=refund.person_id,
                        booklet_id=refund.booklet_id,
                        kind="premium_refund",
                        day=envelope.occurred_at.date(),
                        description=f"invoice {refund.invoice_number}",
                        amount=refund.amount,
                        paid_to="member",
                        status="due",
                    )
                )
            case YouthSavingsPayoutDue() as payout if payout.amount > 0:
                await conn.execute(
                    insert(history).values(
                        item_id=f"youth_savings:{payout.person_id}",
                        person_id=payout.person_id,
                        booklet_id=payout.booklet_id,
                        kind="youth_savings",
                        day=payout.ended_on,
                        amount=payout.amount,
                        paid_to="member",
                        status="due",
                    )
                )
            case PaymentMade() as paid:
                await conn.execute(
                    insert(payments).values(
                        payment_id=paid.payment_id,
                        run_id=paid.run_id,
                        person_id=paid.person_id,
                        payee_name=str(paid.account_holder),
                        iban=str(paid.iban),
                        amount=paid.amount,
                        items=len(paid.items),
                        value_date=paid.value_date,
                    )
                )
                await _paid(conn, paid.payment_id, paid.value_date, paid.items)
            case ProviderPaid() as paid:
                await conn.execute(
                    insert(payments).values(
                        payment_id=paid.payment_id,
                        run_id=paid.run_id,
                        person_id=None,
                        payee_name=paid.provider_name,
                        iban=paid.iban,
                        amount=paid.amount,
                        items=len(paid.items),
                        value_date=paid.value_date,
                    )
                )
                await _paid(conn, paid.payment_id, paid.value_date, paid.items)
            case PaymentRunCompleted() as run:
                await conn.execute(insert(payment_runs).values(**run.model_dump()))
            case PaymentsPersonalDataShredded() as shredded:
                await _conceal(conn, shredded)
            case PaymentHeld(person_id=person_id):
                await conn.execute(_HELD, {"person_id": person_id})


def _reimbursement(r: Reimbursement) -> dict:
    return {
        "item_id": f"reimbursement:{r.certificate_id}",
        "person_id": r.person_id,
        "booklet_id": r.booklet_id,
        "kind": "reimbursement",
        "day": r.care.care_date,
        "certificate_id": r.certificate_id,
        # A marker where the care's key is shredded or not held: "erased", "sealed".
        "provider_name": str(r.care.provider_name),
        "code": str(r.care.code)[:6],
        "description": str(r.care.description),
        "fee_asked": r.fee_asked,
        "legal_fee": r.legal_fee,
        "supplement": r.supplement,
        "co_payment": r.co_payment,
        "amount": r.reimbursed,
        "paid_to": r.paid_to,
        "status": "due" if r.reimbursed > 0 else "paid",
    }


async def _conceal(conn: AsyncConnection, shredded: PaymentsPersonalDataShredded) -> None:
    """Erased or restricted: what the keys sealed is shown as such, here as after a rebuild."""
    person = shredded.person_id
    if "health" in shredded.categories:
        await conn.execute(
            update(history)
            .where(history.c.person_id == person, history.c.kind == "reimbursement")
            .values(provider_name=ERASED, code=None, description=ERASED)
        )
    for shown, categories in ((ERASED, shredded.categories), (RESTRICTED, shredded.restricted)):
        if "financial" in categories:
            await conn.execute(
                update(payments)
                .where(payments.c.person_id == person)
                .values(payee_name=shown, iban=shown)
            )


# A household year as first shown, before what its events set.
_NEW_MAF_YEAR = {
    "counted": 0,
    "social": False,
    "chronic_reduction": 0,
    "provisional": False,
    "refunded": 0,
    "overpaid": 0,
}


@cache
def _counted(dialect_insert) -> Insert:
    """Households' years' new totals of co-payments, as an upsert with its rows as parameters:
    the households of the batches a projection applies at once are written in one executemany
    (shared.projections.HeldWrites)."""
    statement = dialect_insert(maf_years)
    return statement.on_conflict_do_update(
        index_elements=[maf_years.c.booklet_id, maf_years.c.year],
        set_={"counted": statement.excluded.counted},
    )


async def _maf_year(conn: AsyncConnection, booklet_id: str, year: int, **values) -> None:
    key = (maf_years.c.booklet_id == booklet_id, maf_years.c.year == year)
    # Updated far more often than made: one statement for a household year already shown.
    if (await conn.execute(update(maf_years).where(*key).values(**values))).rowcount:
        return
    await conn.execute(insert(maf_years).values(booklet_id=booklet_id, year=year, **_NEW_MAF_YEAR))
    await conn.execute(update(maf_years).where(*key).values(**values))


# A person's items held for want of an account; the persons of the batches a projection
# applies at once are held in one statement (shared.projections.HeldWrites).
_HELD = UpdateByKey(
    history.c.person_id,
    {"status": "held"},
    where=(history.c.status == "due", history.c.paid_to == "member"),
)


async def _paid(conn: AsyncConnection, payment_id: str, value_date, items) -> None:
    """The items shown paid by the payment: the rows of the payments a projection applies at
    once go out as one statement (shared.projections.HeldWrites)."""
    await conn.execute(
        insert(history_paid),
        [{"item_id": i.item_id, "payment_id": payment_id, "value_date": value_date} for i in items],
    )
