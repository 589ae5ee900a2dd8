"""The payments' part of a person's copy (DOS-12), as payments' own records tell it: each care
certificate reimbursed for them (what it carries: the care date, the provider, the code and its
description, the fee asked and the supplement; what was decided: the legal fee, the
reimbursement, the co-payment, VT and GMD; where its money stands), the MAF refunds due to them
and their household's maximum bill of the years of their care and refunds, their incapacity
benefits month by month, and each payment made to them (its value date and amount, the account
and its holder, what it paid). Not the fund's workings (runs, transfer files), nor another
person's data: an item of another person of the booklet paid to them shows its kind, amount,
date and that person's id only.

After an erasure it is what the law keeps: the care reads "erased" (its key is shredded), the
accounts "restricted" until the financial retention ends. Pure: decoded events and rows in,
JSON out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from services.payments.domain.benefit import benefit_of_item, period_item
from services.payments.domain.household_year import ZERO, HouseholdYear, year_of_refund
from shared.contracts import Event
from shared.contracts.payments import (
    BenefitPeriodDue,
    IncapacityBenefitDecided,
    PaymentMade,
    PaymentsPersonalDataShredded,
    ProviderPaid,
    Reimbursement,
)

RESTRICTED = "restricted"  # kept by law after an erasure, shown to no one
REFUND = "refund:"  # a MAF refund's payable item: this and its refund id


@dataclass(frozen=True)
class Owed:
    """One thing the fund owes a person or paid them (a reimbursement, a MAF refund, a benefit
    month), as the run pays it: due, held (no account yet) or paid."""

    item_id: str
    kind: str
    booklet_id: str
    amount: Decimal
    due_on: date
    status: str
    payment_id: str | None = None
    certificate_id: str | None = None


@dataclass(frozen=True)
class Held:
    """What payments holds of one person: their reimbursed certificates, what it owes them,
    the payments that paid those items or paid them, their benefits' streams, their
    household's maximum bills, and what an erasure did."""

    person_id: str
    reimbursed: Sequence[Reimbursement] = ()
    owed: Sequence[Owed] = ()
    payments: Mapping[str, PaymentMade | ProviderPaid] = field(default_factory=dict)
    benefits: Sequence[Sequence[Event]] = ()
    households: Sequence[HouseholdYear] = ()
    # year → the household's co-payments counted (its maximum bill's counter)
    counted: Mapping[int, Decimal] = field(default_factory=dict)
    shredded: Sequence[PaymentsPersonalDataShredded] = ()


def part(held: Held) -> dict[str, Any]:
    """The part: empty when payments holds nothing of the person."""
    restricted = kept_restricted(held.shredded)
    owed = {o.item_id: o for o in held.owed}
    shown = {
        "reimbursements": [
            _reimbursement(r, owed, held.payments, restricted)
            for r in sorted(held.reimbursed, key=lambda r: (r.care.care_date, r.certificate_id))
        ],
        "maf_refunds": [
            _refund(o, held.payments)
            for o in sorted(held.owed, key=lambda o: (o.due_on, o.item_id))
            if o.kind == "maf_refund"
        ],
        "benefits": sorted(
            (_benefit(b, owed, held.payments) for b in held.benefits if _decided(b)),
            key=lambda b: (b["start"], b["benefit_id"]),
        ),
        "payments": [
            _payment(p, restricted)
            for p in sorted(held.payments.values(), key=lambda p: (p.value_date, p.payment_id))
            if isinstance(p, PaymentMade) and p.person_id == held.person_id
        ],
    }
    if not any(shown.values()):
        return {}
    bills = sorted(held.households, key=lambda h: h.year)
    return shown | {
        "maximum_bill": [
            _household(h, held.person_id, held.counted.get(h.year, ZERO)) for h in bills
        ]
    }


def maf_years(reimbursed: Iterable[Reimbursement], owed: Iterable[Owed]) -> set[int]:
    """The years whose maximum bill the part shows: of the person's care and refunds."""
    years = {r.care.care_date.year for r in reimbursed}
    for item in owed:
        if item.kind == "maf_refund":
            year = year_of_refund(item.booklet_id, item.item_id.removeprefix(REFUND))
            years |= {year} if year is not None else set()
    return years


def benefit_ids(owed: Iterable[Owed]) -> set[str]:
    """The benefits a month of which fell due to the person."""
    return {benefit_of_item(o.item_id) for o in owed if o.kind == "benefit"}


def kept_restricted(shredded: Iterable[PaymentsPersonalDataShredded]) -> frozenset[str]:
    """The categories an erasure kept, restricted, and no retention has shredded since."""
    restricted: set[str] = set()
    for event in shredded:
        restricted = (restricted | set(event.restricted)) - set(event.categories)
    return frozenset(restricted)


def _reimbursement(
    r: Reimbursement,
    owed: Mapping[str, Owed],
    payments: Mapping[str, PaymentMade | ProviderPaid],
    restricted: frozenset[str],
) -> dict[str, Any]:
    care = r.care
    item = owed.get(f"reimbursement:{r.certificate_id}")
    health = "health" in restricted
    return {
        "certificate_id": r.certificate_id,
        "care_date": care.care_date.isoformat(),
        "provider_riziv_number": _personal(care.provider_riziv_number, health),
        "provider_name": _personal(care.provider_name, health),
        "code": _personal(care.code, health),
        "description": _personal(care.description, health),
        "fee_asked": _money(r.fee_asked),
        "supplement": _money(r.supplement),
        "legal_fee": _money(r.legal_fee),
        "reimbursed": _money(r.reimbursed),
        "co_payment": _money(r.co_payment),
        "increased_reimbursement": r.increased_reimbursement,
        "gmd": r.gmd,
        "paid_to": r.paid_to,
        **_where_it_stands(item, payments, nothing_due=r.reimbursed <= 0),
    }


def _refund(item: Owed, payments: Mapping[str, PaymentMade | ProviderPaid]) -> dict[str, Any]:
    return {
        "year": year_of_refund(item.booklet_id, item.item_id.removeprefix(REFUND)),
        "certificate_id": item.certificate_id,
        "amount": _money(item.amount),
        "due_since": item.due_on.isoformat(),
        **_where_it_stands(item, payments),
    }


def _decided(history: Sequence[Event]) -> bool:
    return any(isinstance(e, IncapacityBenefitDecided) for e in history)


def _benefit(
    history: Sequence[Event],
    owed: Mapping[str, Owed],
    payments: Mapping[str, PaymentMade | ProviderPaid],
) -> dict[str, Any]:
    decided = next(e for e in history if isinstance(e, IncapacityBenefitDecided))
    months = sorted(
        (e for e in history if isinstance(e, BenefitPeriodDue)), key=lambda period: period.start
    )
    return {
        "benefit_id": decided.benefit_id,
        "daily_amount": _money(decided.daily_amount),
        "start": decided.start.isoformat(),
        "end": decided.end.isoformat(),
        "months": [
            {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "benefit_days": period.days,
                "amount": _money(period.amount),
                **_where_it_stands(
                    owed.get(period_item(period.benefit_id, period.start)), payments
                ),
            }
            for period in months
        ],
    }


def _payment(payment: PaymentMade, restricted: frozenset[str]) -> dict[str, Any]:
    financial = "financial" in restricted
    return {
        "payment_id": payment.payment_id,
        "value_date": payment.value_date.isoformat(),
        "amount": _money(payment.amount),
        "iban": _personal(payment.iban, financial),
        "account_holder": _personal(payment.account_holder, financial),
        "items": [
            {
                "kind": item.kind,
                "person_id": item.person_id,
                "amount": _money(item.amount),
                "certificate_id": item.certificate_id,
                "care_date": item.care_date.isoformat() if item.care_date else None,
            }
            for item in payment.items
        ],
    }


def _household(household: HouseholdYear, person_id: str, counted: Decimal) -> dict[str, Any]:
    ceiling = household.ceiling
    return {
        "year": household.year,
        "co_payments_counted": _money(counted),
        "ceiling": _money(ceiling.amount) if ceiling else None,
        "income_bracket": ceiling.bracket if ceiling else None,
        "refunded": _money(household.refunded),
        "chronic_illness_recognised": person_id in household.chronically_ill,
    }


def _where_it_stands(
    item: Owed | None,
    payments: Mapping[str, PaymentMade | ProviderPaid],
    nothing_due: bool = False,
) -> dict[str, Any]:
    """Due, held (waiting for an account) or paid, and the payment that paid it: into whose
    account (the person's id: theirs, or their booklet's holder's; or "provider", paid to the
    provider under third-party payment) and on what day."""
    if item is None:
        status = "nothing_due" if nothing_due else "due"
        return {"status": status, "payment_id": None, "paid_into": None, "value_date": None}
    paid = payments.get(item.payment_id or "")
    return {
        "status": item.status,
        "payment_id": item.payment_id,
        "paid_into": _paid_into(paid),
        "value_date": paid.value_date.isoformat() if paid else None,
    }


def _paid_into(paid: PaymentMade | ProviderPaid | None) -> str | None:
    if isinstance(paid, PaymentMade):
        return paid.person_id
    return "provider" if isinstance(paid, ProviderPaid) else None


def _personal(value: str, restricted: bool) -> str:
    """A personal value as text: "restricted" where the law keeps it after an erasure, else as
    opened ("erased" once its key is shredded)."""
    return RESTRICTED if restricted else str(value)


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"
