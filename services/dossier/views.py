"""How the dossier shows a person of a booklet."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from shared.insurance import cover as insurance
from shared.insurance.cover import Kind, Subscription


class AddressView(BaseModel):
    country: str
    street: str
    house_number: str
    box: str | None
    postal_code: str | None
    municipality: str


class EntitlementView(BaseModel):
    """Codes gerechtigde CG1/CG2 and the VT status (verhoogde tegemoetkoming)."""

    cg1: str
    cg2: str
    increased_reimbursement: bool
    increased_reimbursement_since: date | None


class PersonView(BaseModel):
    person_id: str
    national_register_number: str
    booklet_id: str
    role: str
    first_name: str
    last_name: str
    birth_date: date
    language: str
    nationality: str
    regional_fund: str
    email: str | None
    phone: str | None
    # Personal fields read "erased" once their key is shredded; the bank account "restricted"
    # while the law keeps it after an erasure (DOS-13).
    iban: str | None
    bic: str | None
    address: AddressView | None  # None for persons enrolled before addresses were kept
    entitlement: EntitlementView | None
    # DOS-13: the day the membership ended, how (left, died, emigrated), and the fund left for.
    membership_ended_on: date | None
    membership_end: str | None
    left_for: str | None
    # DOS-12: processing restricted (GDPR art. 18, 21), and the purposes consented to.
    restricted: bool
    consents: list[str]

    @classmethod
    def of(cls, row: dict[str, Any]) -> PersonView:
        address = {
            k.removeprefix("address_"): v for k, v in row.items() if k.startswith("address_")
        }
        entitlement = {k: row[k] for k in EntitlementView.model_fields}
        return cls.model_validate(
            {
                **row,
                "address": address if address["country"] else None,
                "entitlement": entitlement if entitlement["cg1"] else None,
                "consents": row.get("consents") or [],
            }
        )


class GmdView(BaseModel):
    """DOS-4: the GP holding the person's GMD (globaal medisch dossier, dossier médical
    global), since when, and the advantage it gives; `end_date` once it ended. The GP and the
    advantage are health data: they read "erased" once the person's health data is erased."""

    gp_riziv_number: str
    gp_name: str
    start_date: date
    advantage: str
    end_date: date | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> GmdView:
        return cls.model_validate(row)


class MedicalAgreementView(BaseModel):
    """DOS-5: an advising physician's agreement (akkoord adviserend arts, accord du
    médecin-conseil) about care under a nomenclature code, for a period (`valid_to` None:
    open): requested, granted, refused or ended. The code and description are health data."""

    agreement_id: str
    nomenclature_code: str
    description: str
    valid_from: date
    valid_to: date | None
    status: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> MedicalAgreementView:
        return cls.model_validate(row)


class BookletPersonView(PersonView):
    """A person as member services see them on a booklet: with their GMD and agreements."""

    gmd: GmdView | None
    medical_agreements: list[MedicalAgreementView]

    @classmethod
    def with_care(
        cls, person: PersonView, gmd: dict[str, Any] | None, agreements: list[dict[str, Any]]
    ) -> BookletPersonView:
        return cls(
            **dict(person),
            gmd=GmdView.of(gmd) if gmd else None,
            medical_agreements=[MedicalAgreementView.of(a) for a in agreements],
        )


class CoverStepView(BaseModel):
    from_on: date
    product: str
    why: str


class WaitingPeriodView(BaseModel):
    """A waiting period of one kind of care (accident, illness, pregnancy): `ends_on` is the
    first day the product covers it; `steps` the levels that cover it, by the day each begins
    (an earlier cover meanwhile; Neutra + or Base in months 7 to 9 of a pregnancy)."""

    kind: str
    months: int
    counted_from: date
    ends_on: date
    over: bool
    steps: list[CoverStepView]
    reason: str


class EarlierCoverView(BaseModel):
    level: str
    starts_on: date
    ends_on: date


class InsuranceView(BaseModel):
    """DOS-8: a Neutra insurance the person holds or held, and its waiting periods as of today."""

    product: str
    name: str
    received_on: date
    starts_on: date
    ends_on: date | None
    earlier_cover: EarlierCoverView | None
    waiting_periods: list[WaitingPeriodView]

    @classmethod
    def of(cls, row: dict[str, Any], birth_date: date, today: date) -> InsuranceView:
        subscription = Subscription.from_row(row)
        earlier = subscription.continuity_from
        periods = [insurance.waiting_period(subscription, birth_date, kind) for kind in Kind]
        return cls(
            product=subscription.product.value,
            name=subscription.product.label,
            received_on=subscription.requested_on,
            starts_on=subscription.starts_on,
            ends_on=subscription.ends_on,
            earlier_cover=EarlierCoverView(**vars(earlier)) if earlier else None,
            waiting_periods=[
                WaitingPeriodView(
                    kind=period.kind.value,
                    months=period.months,
                    counted_from=period.counted_from,
                    ends_on=period.ends_on,
                    over=period.ends_on <= today,
                    steps=[
                        CoverStepView(from_on=step.from_on, product=step.product, why=step.why)
                        for step in period.steps
                    ],
                    reason=period.reason,
                )
                for period in periods
            ],
        )


class ContributionStatusView(BaseModel):
    """DOS-3: in order, or since when an invoice is unpaid past its due date, and how much."""

    in_order: bool
    overdue_since: date | None
    overdue_amount: Decimal
    open_invoices: int
