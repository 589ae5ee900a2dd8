"""The month's premium invoice of a household (INV-7): who is insured that month, at what, and
the invoice it makes, numbered from the month's register. Pure: the billing run
(services/einvoicing/billing.py) loads the household and saves what is recorded here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from dateutil.relativedelta import relativedelta

from services.einvoicing.domain.premiums import InsuredPerson, shipped_premium_tables
from services.einvoicing.domain.structured_communication import StructuredCommunication
from shared.aggregate import Aggregate
from shared.contracts.einvoicing import (
    InvoiceIssued,
    InvoiceLine,
    InvoiceNumberIssued,
    InvoicePaid,
    InvoicePaymentReceived,
    InvoiceReminded,
)
from shared.contracts.insurance import Product


@dataclass(frozen=True)
class Cover:
    """A person's Neutra insurance as einvoicing knows it: `ends_on` its last day, or None."""

    person_id: str
    product: Product
    starts_on: date
    ends_on: date | None = None

    def covers_month(self, period: date) -> bool:
        """Cover starts on a first and ends on a last day of a month: a month is whole."""
        return self.starts_on <= period and (self.ends_on is None or self.ends_on >= period)


@dataclass(frozen=True)
class Insured:
    person_id: str
    birth_date: date
    dependant: bool


@dataclass(frozen=True)
class MonthLines:
    lines: tuple[InvoiceLine, ...]
    provisional: bool

    def beyond(self, invoiced: Iterable[InvoiceLine]) -> MonthLines | None:
        """What the month asks beyond the lines already invoiced for it: a person's or the
        household's amount not invoiced yet, or the part of it above what was (a cover recorded
        after the month's invoice). None when nothing more is due. An amount that is now lower
        is not credited for a month already invoiced: it applies from the next month."""
        asked: dict[tuple, Decimal] = defaultdict(Decimal)
        for line in invoiced:
            asked[line.person_id, line.kind, line.product] += line.amount
        more = []
        for line in self.lines:
            extra = line.amount - asked[line.person_id, line.kind, line.product]
            if extra > 0 and extra != line.amount:
                basis = f"the difference with the month's invoice; {line.basis}"[:200]
                more.append(line.model_copy(update={"amount": extra, "basis": basis}))
            elif extra > 0:
                more.append(line)
        return MonthLines(tuple(more), self.provisional) if more else None


def month_lines(
    holder_id: str, persons: Sequence[Insured], covers: Sequence[Cover], period: date
) -> MonthLines | None:
    """The household's premium lines for the month of `period` (its first day), from the
    product sheet's tables of its year; None when nobody is insured that month."""
    by_person = {person.person_id: person for person in persons}
    insured = [
        InsuredPerson(
            cover.person_id, cover.product, by_person[p].birth_date, by_person[p].dependant
        )
        for cover in covers
        if cover.covers_month(period) and (p := cover.person_id) in by_person
    ]
    if not insured:
        return None
    premiums = shipped_premium_tables().household_premiums(insured, period.year)
    lines = [
        InvoiceLine(
            person_id=line.person or holder_id,
            kind="premium",
            product=line.product,
            amount=line.amount,
            basis=f"{line.band_label}; {line.reason}"[:200],
        )
        for line in premiums.persons
    ]
    lines += [
        InvoiceLine(
            person_id=holder_id,
            kind="household_contribution",
            product=line.product,
            amount=line.amount,
            basis=line.reason[:200],
        )
        for line in premiums.households
    ]
    return MonthLines(tuple(lines), premiums.provisional)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(period: date) -> date:
    return period + relativedelta(months=1)


@dataclass
class InvoiceNumberRegister(Aggregate):
    """One month's register of invoice numbers: the year's last two digits, the month and a
    six-digit sequence make the ten digits the structured communication carries."""

    period: date
    length_is_state: ClassVar[bool] = True

    @classmethod
    def stream(cls, period: date) -> str:
        return f"invoice-register-{period:%Y-%m}"

    def issue(self, invoice_id: str) -> str:
        sequence = self.version + len(self.pending) + 1
        if sequence > 999_999:
            raise ValueError(f"the register of {self.period:%Y-%m} is full")
        number = f"{self.period:%y%m}{sequence:06d}"
        self.record(
            InvoiceNumberIssued(
                invoice_id=invoice_id, period=self.period, sequence=sequence, number=number
            )
        )
        return number

    def apply(self, event: InvoiceNumberIssued) -> None:
        pass  # its length is its state


@dataclass
class HouseholdInvoice(Aggregate):
    """A household's invoice of one month: issued once, whatever runs or replicas ask again."""

    invoice_id: str
    issued: InvoiceIssued | None = None
    balance: Decimal = Decimal("0.00")
    entries: set[str] = field(default_factory=set)  # the credits received, by entry id

    @staticmethod
    def id_of(booklet_id: str, period: date, supplement: int = 0) -> str:
        """The month's invoice, or its `supplement`th supplementary invoice (1, 2, …)."""
        month = f"{booklet_id}/{period:%Y-%m}"
        return f"{month}/{supplement}" if supplement else month

    @classmethod
    def stream(cls, invoice_id: str) -> str:
        return f"invoice-{invoice_id}"

    def issue(
        self,
        register: InvoiceNumberRegister,
        booklet_id: str,
        payer_person_id: str,
        month: MonthLines,
        issued_on: date,
        due_after: timedelta,
        electronic: bool,
        supplements: str | None = None,
    ) -> None:
        if self.issued is not None:
            raise ValueError(f"invoice {self.invoice_id} is issued already")
        number = register.issue(self.invoice_id)
        self.record(
            InvoiceIssued(
                invoice_id=self.invoice_id,
                number=number,
                communication=str(StructuredCommunication.from_number(number)),
                booklet_id=booklet_id,
                payer_person_id=payer_person_id,
                period=register.period,
                issued_on=issued_on,
                due_on=issued_on + due_after,
                lines=month.lines,
                total=sum((line.amount for line in month.lines), Decimal("0.00")),
                provisional=month.provisional,
                electronic=electronic,
                supplements=supplements,
            )
        )

    def receive(self, entry_id: str, amount: Decimal, received_on: date) -> InvoicePaymentReceived:
        """INV-8: a credit for this invoice: what it still asked is paid, the rest refunded."""
        if self.issued is None:
            raise ValueError(f"invoice {self.invoice_id} is not issued")
        if entry_id in self.entries:
            raise ValueError(f"credit {entry_id} was received already")
        applied = min(amount, self.balance)
        received = InvoicePaymentReceived(
            invoice_id=self.invoice_id,
            number=self.issued.number,
            booklet_id=self.issued.booklet_id,
            entry_id=entry_id,
            received_on=received_on,
            amount=amount,
            applied=applied,
            to_refund=amount - applied,
            balance=self.balance - applied,
        )
        self.record(received)
        if applied and not self.balance:
            self.record(
                InvoicePaid(
                    invoice_id=self.invoice_id,
                    number=self.issued.number,
                    booklet_id=self.issued.booklet_id,
                    payer_person_id=self.issued.payer_person_id,
                    period=self.issued.period,
                    paid_on=received_on,
                    total=self.issued.total,
                )
            )
        return received

    def remind(self, reminder: int, on: date) -> InvoiceReminded | None:
        """INV-4: the reminder due, if the invoice is still open; None once it is paid."""
        if self.issued is None or not self.balance:
            return None
        reminded = InvoiceReminded(
            invoice_id=self.invoice_id,
            number=self.issued.number,
            booklet_id=self.issued.booklet_id,
            payer_person_id=self.issued.payer_person_id,
            reminder=reminder,
            due_on=self.issued.due_on,
            balance=self.balance,
            sent_on=on,
        )
        self.record(reminded)
        return reminded

    def apply(self, event) -> None:
        match event:
            case InvoiceIssued(total=total):
                self.issued, self.balance = event, total
            case InvoicePaymentReceived(entry_id=entry_id, balance=balance):
                self.entries.add(entry_id)
                self.balance = balance
