"""Contracts of the einvoicing service: the premium invoices of the Neutra insurances per
household and month (`InvoiceIssued`, the mission's event), and what became of them.

An invoice names the household by its booklet and the persons by their dossier `person_id`;
names and addresses stay in the dossier's events, sealed there, and are looked up when a
document is drawn. Amounts, dates, numbers and the structured communication stay readable, as
payments' do: the books balance after a person's keys are shredded.

Money is `Decimal` with two decimals, written as a string in JSON ("31.20")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.contracts.dossier import MEMBER_SERVICES
from shared.contracts.insurance import Product
from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import Email, Iban, PhoneNumber
from shared.privacy.marking import Personal

Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
# Who paid and from which account: sealed under the credit, readable only here.
PayerData = Personal("financial", subject="entry_id")
LineKind = Literal["premium", "household_contribution"]


class InvoiceLine(BaseModel):
    """One amount of the month: a person's premium (Neutra +, Confort, Top, by the age band on
    31 December), or the household's contribution to Neutra Base or Optimum (named after the
    holder)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: str
    kind: LineKind
    product: Product
    amount: Money
    # The band or household case the amount was read from, in the product sheet's words.
    basis: str = Field(max_length=200)


@events.register
class InvoiceIssued(Event):
    """INV-2, INV-7: the household's invoice of `period` (a month, by its first day), payable
    by `due_on` with the structured communication `communication`, whether or not its notice
    was read (INV-4). `provisional`: priced on an earlier year's tables, the year's own not yet
    known. `electronic`: sent to the payer's inbox (INV-1) rather than on paper.
    `supplements`: the number of the month's invoice this one adds to, for someone whose cover
    of the month was recorded after that invoice was issued."""

    type_name = "InvoiceIssued"

    invoice_id: str
    number: str = Field(pattern=r"^\d{10}$")
    communication: str = Field(pattern=r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
    booklet_id: str
    payer_person_id: str
    period: date
    issued_on: date
    due_on: date
    lines: tuple[InvoiceLine, ...] = Field(min_length=1)
    total: Money
    provisional: bool = False
    electronic: bool = False
    supplements: str | None = Field(None, pattern=r"^\d{10}$")


@events.register
class InvoiceNumberIssued(Event):
    """The next number of a month's register of invoice numbers, now `invoice_id`'s: numbers
    are issued in sequence and never reused, so no two invoices share a structured
    communication."""

    type_name = "InvoiceNumberIssued"

    invoice_id: str
    period: date
    sequence: int = Field(ge=1)
    number: str = Field(pattern=r"^\d{10}$")


class IncomingCredit(BaseModel):
    """A credit booked on the fund's account, as the bank's statement (camt.053) says it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entry_id: str = Field(min_length=1, max_length=140)
    booked_on: date
    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    payer_name: str | None = Field(None, max_length=140)
    payer_iban: Iban | None = None
    # The valid structured communication the credit carries, in its +++…+++ form.
    communication: str | None = Field(None, pattern=r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
    remittance: str | None = Field(None, max_length=500)
    remarks: tuple[str, ...] = ()


@commands.register
class RecordIncomingPayments(Command):
    """INV-8: credits of a bank statement of the fund's account, each matched to its invoice
    or left for a handler with the reason. A credit recorded before (its `entry_id`) changes
    nothing: importing a statement twice pays nothing twice."""

    type_name = "RecordIncomingPayments"
    allowed_roles = MEMBER_SERVICES

    statement_id: str = Field(min_length=1, max_length=140)
    credits: list[IncomingCredit] = Field(min_length=1, max_length=200)


@events.register
class IncomingPaymentRecorded(Event):
    """INV-8: a credit of the fund's account and what became of it: the invoice it paid
    (`invoice_number`), or `unmatched` with the reason a handler reads. Who paid, from which
    account, is sealed under the credit."""

    type_name = "IncomingPaymentRecorded"

    entry_id: str
    statement_id: str
    booked_on: date
    amount: Money
    outcome: Literal["paid", "partly_paid", "overpaid", "already_paid", "unmatched"]
    invoice_number: str | None = None
    matched_by: str | None = None
    reason: str
    payer_name: Annotated[str | None, PayerData] = None
    payer_iban: Annotated[str | None, PayerData] = None


@events.register
class InvoicePaymentReceived(Event):
    """INV-8: money received for the invoice: `applied` to it, `to_refund` above what it still
    asked, and the `balance` still due after."""

    type_name = "InvoicePaymentReceived"

    invoice_id: str
    number: str
    booklet_id: str
    entry_id: str
    received_on: date
    amount: Money
    applied: Money
    to_refund: Money
    balance: Money


@events.register
class InvoicePaid(Event):
    """INV-8: the invoice is paid in full; its reminders stop (INV-4)."""

    type_name = "InvoicePaid"

    invoice_id: str
    number: str
    booklet_id: str
    payer_person_id: str
    period: date
    paid_on: date
    total: Money


@events.register
class InvoiceReminded(Event):
    """INV-4: the invoice is still open after its due date: the `reminder`-th reminder (1 or 2)
    goes to the payer for the `balance` still due."""

    type_name = "InvoiceReminded"

    invoice_id: str
    number: str
    booklet_id: str
    payer_person_id: str
    reminder: int = Field(ge=1, le=2)
    due_on: date
    balance: Money
    sent_on: date


Channel = Literal["email", "sms"]
Reachable = Personal("contact")


@commands.register
class ChangeInvoiceDelivery(Command):
    """INV-1, INV-3: how a payer receives invoices: in the inbox (`electronic`) or on paper,
    whether they are told when one arrives (`notify`), on which channel and at which address
    (by default the dossier's). Fields left out stay as they are."""

    type_name = "ChangeInvoiceDelivery"
    # A member changes them for the persons they may act on (the handler checks).
    allowed_roles = MEMBER_SERVICES | {"member"}

    person_id: str = Field(min_length=1, max_length=64)
    electronic: bool | None = None
    notify: bool | None = None
    channel: Channel | None = None
    email: Email | None = None
    phone: PhoneNumber | None = None


@events.register
class InvoiceDeliveryChanged(Event):
    """INV-1, INV-3: how the person receives invoices from now on, whole. `reason` says who
    changed it: the member, or the portal account being created (e-invoicing on)."""

    type_name = "InvoiceDeliveryChanged"

    person_id: str
    electronic: bool
    notify: bool
    channel: Channel
    email: Annotated[str | None, Reachable] = None
    phone: Annotated[str | None, Reachable] = None
    reason: str


@events.register
class InvoiceNoticeSent(Event):
    """INV-3: the payer was told an invoice (or a reminder) is in their inbox, on `channel`;
    `sent` False with the reason when no notice could go (none wanted, no address). A notice
    carries no amount and no link to log in with (ID-10)."""

    type_name = "InvoiceNoticeSent"

    invoice_id: str
    number: str
    notice: Literal["issued", "reminder-1", "reminder-2"]
    channel: Channel | None = None
    sent: bool
    reason: str


@commands.register
class AnnounceMaintenance(Command):
    """INV-5: maintenance that limits or suspends e-invoicing from `starts_at` to `ends_at`;
    the members are told in the portal."""

    type_name = "AnnounceMaintenance"
    allowed_roles = frozenset({"admin"})

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    effect: Literal["limited", "suspended"]
    message_nl: str = Field(min_length=1, max_length=500)
    message_fr: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> AnnounceMaintenance:
        if self.ends_at <= self.starts_at:
            raise ValueError("maintenance ends after it starts")
        return self


@events.register
class MaintenanceAnnounced(Event):
    """INV-5: the members are told e-invoicing is limited or suspended for a while."""

    type_name = "MaintenanceAnnounced"

    notice_id: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    effect: Literal["limited", "suspended"]
    message_nl: str
    message_fr: str


@commands.register
class AnnounceTermsChange(Command):
    """INV-6: a new version of the e-invoicing terms, taking effect on `takes_effect_on`, which
    must be at least 15 working days after the announcement."""

    type_name = "AnnounceTermsChange"
    allowed_roles = frozenset({"admin"})

    terms_version: str = Field(min_length=1, max_length=32)
    takes_effect_on: date
    summary_nl: str = Field(min_length=1, max_length=1000)
    summary_fr: str = Field(min_length=1, max_length=1000)


@events.register
class TermsChangeAnnounced(Event):
    """INV-6: the members are told the e-invoicing terms change on `takes_effect_on`."""

    type_name = "TermsChangeAnnounced"

    notice_id: str
    terms_version: str
    announced_on: date
    takes_effect_on: date
    summary_nl: str
    summary_fr: str
