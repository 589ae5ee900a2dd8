"""A premium invoice (factuur / facture) of the optional insurances, as immutable data: for
whom (the customer number, klantnummer, of a household or booklet, and the payer), which
month, a line per person and product, when it is due (INV-4), and how to pay it: to the
fund's account with the structured communication made from the invoice number, which is
how an incoming payment finds its invoice back (INV-8).

Money is Decimal in whole cents; the total is the sum of the lines, so the two cannot
disagree. Nothing here is stored or sent: the documents (PDF, UBL) are drawn from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from services.einvoicing.domain.structured_communication import StructuredCommunication
from shared.identifiers import normalize_bic, normalize_iban
from shared.reference import Federation, RegionalFund

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PostalAddress:
    street: str  # street and number
    postal_code: str
    city: str
    country: str = "BE"  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Payer:
    name: str
    address: PostalAddress


@dataclass(frozen=True)
class Creditor:
    """Who is paid: the fund, its account and bank (the reference data holds no accounts)."""

    name: str
    iban: str
    bic: str | None = None

    def __post_init__(self) -> None:
        # Stored in electronic form, so the QR code and the UBL carry what banks expect.
        object.__setattr__(self, "iban", normalize_iban(self.iban))
        if self.bic is not None:
            object.__setattr__(self, "bic", normalize_bic(self.bic))


@dataclass(frozen=True)
class InvoiceLine:
    person_name: str  # who is insured
    product: str  # the optional insurance, e.g. "Hospitalisatie Optimum"
    description: str  # in the member's language
    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):  # a float would have lost its cents already
            raise TypeError(f"line amount must be a Decimal, not {type(self.amount).__name__}")
        if self.amount < 0 or self.amount != self.amount.quantize(CENT):
            raise ValueError(f"line amount {self.amount}: whole cents, zero or more")


@dataclass(frozen=True)
class Invoice:
    number: str  # 1 to 10 digits: the structured communication is made from it
    customer_number: str  # klantnummer: the household or booklet invoiced
    payer: Payer
    period: date  # the first day of the month the premiums are for
    issued_on: date
    due_on: date
    lines: tuple[InvoiceLine, ...]
    creditor: Creditor
    federation: Federation  # heads the documents, with the member's fund if known (ORG-1)
    fund: RegionalFund | None
    currency: Literal["EUR"] = "EUR"
    # A supplementary invoice: the number of the month's invoice it adds to.
    supplements: str | None = None

    def __post_init__(self) -> None:
        StructuredCommunication.from_number(self.number)  # refuses a number it cannot carry
        if self.period.day != 1:
            raise ValueError(f"invoice {self.number}: the period is a month, given by its 1st")
        if self.due_on < self.issued_on:
            raise ValueError(f"invoice {self.number}: due on {self.due_on}, before its issue")
        if not self.lines:
            raise ValueError(f"invoice {self.number}: an invoice has at least one line")
        if self.total <= 0:  # a refund is a credit note, another document
            raise ValueError(f"invoice {self.number}: nothing to pay")

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def communication(self) -> StructuredCommunication:
        return StructuredCommunication.from_number(self.number)

    @property
    def period_end(self) -> date:
        following = date(self.period.year + self.period.month // 12, self.period.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
