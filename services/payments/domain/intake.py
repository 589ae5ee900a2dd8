"""Whether a care certificate is reimbursed, and how much (PAY-3): the checks a certificate
must pass, then the legal figures for the person's status on the care date.

The fund reimburses the legal fee's share of the insurance; what a provider asks above the
legal fee is a supplement the member bears and that never counts for the maximum bill. A
provider asking less than the legal fee is reimbursed on what was asked."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.payments.domain.tariffs import TariffBook, UnknownTariff
from shared.contracts.payments import CareCertificate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Status:
    """What the certificate's person was on the care date, as far as the rules ask."""

    age: int
    increased_reimbursement: bool
    # A GMD held by the provider of this certificate (DOS-4).
    gmd: bool
    # Regular dental care (DOS-9): None when the rule does not apply to the person.
    dental_regular: bool | None
    # An advising physician's agreement covers the code on the care date (DOS-5).
    agreement: bool


@dataclass(frozen=True)
class Decision:
    legal_fee: Decimal
    reimbursed: Decimal
    co_payment: Decimal
    description_nl: str
    description_fr: str
    source: str


class NotReimbursed(ValueError):
    """The certificate is refused; `str()` is the reason, for the person who sent it."""


def claim_limit(care_date: date) -> date:
    """The last day a claim for care of `care_date` may be made: two years from the end of
    the month of the care (law of 14 July 1994 on the compulsory insurance, art. 174, 1°)."""
    year, month = care_date.year + 2, care_date.month
    return date(year, month, monthrange(year, month)[1])


def check_dates(certificate: CareCertificate, today: date) -> None:
    if certificate.care_date > today:
        raise NotReimbursed("the care date is in the future")
    if today > claim_limit(certificate.care_date):
        raise NotReimbursed(
            "the claim is time-barred: care is reimbursed up to two years after the end of "
            "the month it was given"
        )


def decide(certificate: CareCertificate, status: Status, tariffs: TariffBook) -> Decision:
    if not tariffs.knows(certificate.code):
        raise NotReimbursed(f"nomenclature code {certificate.code} is not reimbursed")
    if tariffs.needs_agreement(certificate.code) and not status.agreement:
        raise NotReimbursed(
            f"code {certificate.code} is reimbursed only with the advising physician's "
            "agreement, and none covers the care date"
        )
    try:
        tariff = tariffs.reimbursement(
            certificate.code,
            certificate.care_date,
            vt=status.increased_reimbursement,
            gmd=status.gmd,
            age=status.age,
            dental_regular=status.dental_regular,
        )
    except UnknownTariff as error:
        raise NotReimbursed(str(error)) from None
    legal_share = min(certificate.fee_asked, tariff.fee)
    reimbursed = min(tariff.reimbursed, legal_share)
    return Decision(
        legal_fee=tariff.fee,
        reimbursed=reimbursed.quantize(CENT),
        co_payment=(legal_share - reimbursed).quantize(CENT),
        description_nl=tariffs.description(certificate.code, "nl"),
        description_fr=tariffs.description(certificate.code, "fr"),
        source=tariff.source,
    )
