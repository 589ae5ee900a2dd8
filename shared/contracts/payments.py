"""Contracts of the payments service: care certificates in, reimbursements decided, the
maximum bill (MAF) counted, payments out (`PaymentMade`, the mission's event).

Commands name a person by national register number, as a certificate does; events name them
by the dossier's `person_id`. What a certificate says of someone's care (who treated them,
for what) is health data, sealed under the person; an IBAN a member is paid on is financial
data, sealed likewise. Amounts, dates and ids stay readable: once a person's keys are
shredded the books still balance and say nothing of whom they were about.

Money is `Decimal` with two decimals, written as a string in JSON ("21.50")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import Iban, Insz, NomenclatureCode, RizivNumber
from shared.privacy.marking import Personal

MEMBER_SERVICES = frozenset({"member_services", "admin"})

Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
CertificateId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.:/-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=100)]

# Sealed under the person the care was for (shared.privacy).
Health = Personal("health")
Financial = Personal("financial")

# How many certificates one import command carries at most: a batch is one transaction, and
# one event whose sealed form (about 430 KiB for 500) must stay well under the broker's
# message size limit (Apache Kafka's default: 1 MiB), or the relay could not publish it.
BATCH_SIZE = 500


class CareCertificate(BaseModel):
    """A getuigschrift voor verstrekte hulp / attestation de soins donnés: who was treated,
    when, by whom, for what, what was asked, and whether the provider applied third-party
    payment (then the fund pays the provider and the member only the co-payment)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    certificate_id: CertificateId
    national_register_number: Insz
    care_date: date
    provider_riziv_number: RizivNumber
    provider_name: Name
    code: NomenclatureCode
    fee_asked: Amount = Field(description="the fee the provider asked for the service")
    supplement: Amount = Field(Decimal("0.00"), description="asked above the legal fee")
    third_party_payment: bool = False
    provider_iban: Iban | None = Field(None, description="third-party payment: paid there")

    @model_validator(mode="after")
    def _third_party_names_an_account(self) -> CareCertificate:
        if self.third_party_payment and self.provider_iban is None:
            raise ValueError("third-party payment needs the provider's IBAN")
        if not self.third_party_payment and self.provider_iban is not None:
            raise ValueError("a provider's IBAN goes only with third-party payment")
        return self


class NumberedCertificate(BaseModel):
    """A certificate and the line of the file it came from, for the import's report."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int = Field(ge=1)
    certificate: CareCertificate


# --- commands -----------------------------------------------------------------------------------


@commands.register
class RecordCareCertificate(Command):
    """One certificate handed in at the desk."""

    type_name = "RecordCareCertificate"
    allowed_roles = MEMBER_SERVICES

    certificate: CareCertificate


@commands.register
class ImportCareCertificates(Command):
    """A batch of an electronic file (`mutualis payments import`): each certificate is
    reimbursed or refused on its own, with the reason; one already recorded changes nothing."""

    type_name = "ImportCareCertificates"
    allowed_roles = MEMBER_SERVICES

    batch_id: str = Field(min_length=1, max_length=128)
    certificates: list[NumberedCertificate] = Field(min_length=1, max_length=BATCH_SIZE)


@commands.register
class SetIncomeBracket(Command):
    """The household's income bracket for the MAF of a year, as the tax office's answer gives
    it (DOS-6); setting it again (a corrected answer) moves the ceiling and the refunds."""

    type_name = "SetIncomeBracket"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=2000, le=2100)
    bracket: int = Field(ge=1, le=10)


@commands.register
class RecognizeChronicIllness(Command):
    """The person has the status of chronic illness (statuut chronische aandoening) for a
    year: their household's MAF ceiling is lowered (DOS-6)."""

    type_name = "RecognizeChronicIllness"
    allowed_roles = MEMBER_SERVICES

    national_register_number: Insz
    year: int = Field(ge=2000, le=2100)


@commands.register
class DecideIncapacityBenefit(Command):
    """Incapacity for work recognised: a daily amount for a period, paid per calendar month
    once the month is over (PAY-1)."""

    type_name = "DecideIncapacityBenefit"
    allowed_roles = MEMBER_SERVICES

    national_register_number: Insz
    daily_amount: Annotated[Decimal, Field(gt=0, max_digits=8, decimal_places=2)]
    start: date
    end: date

    @model_validator(mode="after")
    def _a_period(self) -> DecideIncapacityBenefit:
        if self.end < self.start:
            raise ValueError("a benefit period ends on or after its start")
        return self


# --- events -------------------------------------------------------------------------------------


class CareItem(BaseModel):
    """What the history shows of a reimbursed service (PAY-1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: str
    care_date: date
    provider_riziv_number: Annotated[str, Health]
    provider_name: Annotated[str, Health]
    code: Annotated[str, Health]
    description: Annotated[str, Health]


class Reimbursement(BaseModel):
    """A certificate's service reimbursed by the compulsory insurance (PAY-3): the legal fee,
    the reimbursement and the legal co-payment, for the person's status on the care date.
    `paid_to` says who receives the reimbursement: the member, or with third-party payment
    the provider (the member then paid only the co-payment)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_id: str
    person_id: str
    booklet_id: str
    care: CareItem
    fee_asked: Money
    supplement: Money
    legal_fee: Money
    reimbursed: Money
    co_payment: Money
    increased_reimbursement: bool
    gmd: bool
    paid_to: Literal["member", "provider"]
    provider_iban: str | None = None


class Refusal(BaseModel):
    """A certificate not reimbursed, with the reason; `line` is its line in the file imported."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_id: str
    line: int | None
    reason: str


@events.register
class CertificatesDecided(Event):
    """The certificates of one import batch, or the one handed in at the desk, decided
    together: each reimbursed or refused with its reason. A batch is one fact, as a bank
    statement is: a file of a million certificates is some thousands of events, not a
    million. Each reimbursement's care is sealed under its own person."""

    type_name = "CertificatesDecided"

    batch_id: str
    reimbursed: list[Reimbursement] = []
    refused: list[Refusal] = []


class HouseholdCount(BaseModel):
    """A household's legal co-payments of one year counted, and its counter after them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    booklet_id: str
    year: int
    amount: Money
    counted: Money = Field(description="the household's counter after these")


@events.register
class CoPaymentsCounted(Event):
    """A batch's legal co-payments counted for the households' maximum bills (DOS-6), each in
    the year of the care, whenever the certificate arrived. One event on the batch's stream,
    beside its decisions: a household's counter moves with every batch that has its care in
    it, and its refunds and ceiling, which are rare, keep a stream of their own."""

    type_name = "CoPaymentsCounted"

    batch_id: str
    households: list[HouseholdCount]


@events.register
class MafCeilingSet(Event):
    """The household's MAF ceiling for a year changed: its income bracket set, VT or a
    chronic illness recognised. `provisional`: the year has no official figures yet and the
    last known year's are used."""

    type_name = "MafCeilingSet"

    booklet_id: str
    year: int
    bracket: int | None
    social: bool
    chronic_reduction: Money
    ceiling: Money
    provisional: bool
    source: str


@events.register
class MafRefundDue(Event):
    """Co-payments above the household's ceiling, refunded in full (PAY-4): to the person
    whose co-payment it was, or, when a changed ceiling frees earlier co-payments, to the
    household's holder."""

    type_name = "MafRefundDue"

    refund_id: str
    booklet_id: str
    year: int
    person_id: str
    certificate_id: str | None
    amount: Money


@events.register
class MafOverpaid(Event):
    """A raised ceiling leaves refunds already paid above what is now due: recorded for a
    handler to recover, never taken back by itself."""

    type_name = "MafOverpaid"

    booklet_id: str
    year: int
    amount: Money


@events.register
class ChronicIllnessRecognized(Event):
    type_name = "ChronicIllnessRecognized"

    person_id: str
    booklet_id: str
    year: int


@events.register
class IncapacityBenefitDecided(Event):
    type_name = "IncapacityBenefitDecided"

    benefit_id: str
    person_id: str
    daily_amount: Money
    start: date
    end: date


@events.register
class BenefitPeriodDue(Event):
    """One calendar month (or part) of an incapacity benefit, due once it is over."""

    type_name = "BenefitPeriodDue"

    benefit_id: str
    person_id: str
    start: date
    end: date
    days: int
    amount: Money


@events.register
class PremiumPaid(Event):
    """PAY-1: the household paid an invoice of its optional insurance's premiums (einvoicing's
    `InvoicePaid`), kept in the payer's financial history beside what the fund paid them."""

    type_name = "PremiumPaid"

    person_id: str
    booklet_id: str
    invoice_number: str
    period: date
    paid_on: date
    amount: Money


@events.register
class PremiumRefundDue(Event):
    """INV-8: a household paid more than its invoice asked (or paid it twice): the surplus is
    refunded to the payer, paid by the payment run like any item."""

    type_name = "PremiumRefundDue"

    person_id: str
    booklet_id: str
    invoice_number: str
    entry_id: str
    amount: Money


class PaidItem(BaseModel):
    """One thing a payment pays: a reimbursement, a MAF refund, a benefit period, the payout
    of a youth savings (DOS-7), a hospitalisation-insurance claim (PAY-5)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    item_id: str
    kind: Literal[
        "reimbursement",
        "maf_refund",
        "benefit",
        "youth_savings",
        "hospital_claim",
        "premium_refund",
    ]
    person_id: str
    amount: Money
    certificate_id: str | None = None
    care_date: date | None = None


@events.register
class PaymentMade(Event):
    """Money paid to a member (PAY-6): once per item, whatever is redelivered, replayed or
    crashes. `person_id`: the person paid, whose account it went to; the items may be of
    others on the booklet (a child's care paid to the holder)."""

    type_name = "PaymentMade"

    payment_id: str
    run_id: str
    person_id: str
    amount: Money
    items: list[PaidItem]
    value_date: date
    iban: Annotated[str, Financial]
    account_holder: Annotated[str, Financial]


@events.register
class ProviderPaid(Event):
    """Third-party payment: the reimbursement of members' care paid to the provider."""

    type_name = "ProviderPaid"

    payment_id: str
    run_id: str
    provider_riziv_number: str
    provider_name: str
    iban: str
    amount: Money
    items: list[PaidItem]
    value_date: date


@events.register
class PaymentHeld(Event):
    """What is due to a person cannot go out yet; it waits with the reason and goes in the
    first run after that changes."""

    type_name = "PaymentHeld"

    person_id: str
    amount: Money
    reason: Literal["no_iban"]
    run_id: str


@events.register
class PaymentRunCompleted(Event):
    """A day's payment run: what went out, what waits, and the bank's transfer file."""

    type_name = "PaymentRunCompleted"

    run_id: str
    part: int = Field(ge=1, description="a run of many items goes in parts")
    value_date: date
    payments: int
    amount: Money
    held: int
    transfer_file: str | None


@events.register
class PaymentsPersonalDataShredded(Event):
    """Payments shredded its keys of a person's data of these categories (DOS-12 erasure,
    DOS-13 retention): what they sealed reads as erased; `restricted`, what the law keeps,
    stays shown as restricted until its own retention ends."""

    type_name = "PaymentsPersonalDataShredded"

    person_id: str
    categories: list[str]
    restricted: list[str] = []
