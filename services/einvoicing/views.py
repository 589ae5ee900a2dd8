"""How einvoicing shows an invoice: as JSON for the portal (INV-2), and as the document the
payer receives, PDF or UBL, drawn from the read model and the payer's name and address."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from services.einvoicing.config import einvoicing_settings
from services.einvoicing.domain import invoice as document
from services.einvoicing.households import Households
from shared.contracts.insurance import Product
from shared.reference import Federation

_KINDS = {
    "premium": {"nl": "Maandelijkse premie", "fr": "Prime mensuelle"},
    "household_contribution": {
        "nl": "Maandelijkse bijdrage per gezin",
        "fr": "Cotisation mensuelle par ménage",
    },
}


class InvoiceLineView(BaseModel):
    person_id: str
    person_name: str | None
    kind: str
    product: str
    product_name: str
    amount: Decimal
    basis: str


class InvoiceView(BaseModel):
    """INV-2: an invoice of the household's premiums: how much, by when, how to pay it (the
    structured communication), what is still due, and its lines per person."""

    number: str
    communication: str
    period: date
    issued_on: date
    due_on: date
    total: Decimal
    balance: Decimal
    status: str
    provisional: bool
    electronic: bool
    reminders: int
    paid_on: date | None
    payer_person_id: str
    supplements: str | None = None  # a supplementary invoice: the month's invoice it adds to
    lines: list[InvoiceLineView] | None = None


class IncomingPaymentView(BaseModel):
    """INV-8: a credit of the fund's account: the invoice it paid, or why it matched none."""

    entry_id: str
    statement_id: str
    booked_on: date
    amount: Decimal
    outcome: str
    invoice_number: str | None
    matched_by: str | None
    reason: str
    payer_name: str | None
    payer_iban: str | None


class InvoiceDeliveryView(BaseModel):
    """INV-1, INV-3: inbox (`electronic`) or paper; notices on or off, their channel and the
    address chosen for them (None: the dossier's)."""

    electronic: bool
    notify: bool
    channel: str
    email: str | None
    phone: str | None

    @classmethod
    def of(cls, row: dict | None) -> InvoiceDeliveryView:
        if row is None:  # never chosen, no portal account: paper
            return cls(electronic=False, notify=True, channel="email", email=None, phone=None)
        return cls.model_validate(row)


async def invoice_view(row: dict[str, Any], households: Households | None = None) -> InvoiceView:
    """The invoice; with its lines (and the names of their persons) when `households` is given."""
    view = InvoiceView.model_validate(row | {"lines": None})
    if households is None:
        return view
    names = await households.persons({line["person_id"] for line in row["lines"]})
    view.lines = [
        InvoiceLineView(
            **line,
            person_name=(names.get(line["person_id"]) or {}).get("name"),
            product_name=Product(line["product"]).label,
        )
        for line in row["lines"]
    ]
    return view


async def invoice_document(
    row: dict[str, Any], households: Households, federation: Federation, language: str
) -> document.Invoice:
    """The invoice as its documents draw it (services/einvoicing/documents)."""
    persons = await households.persons(
        {row["payer_person_id"], *(line["person_id"] for line in row["lines"])}
    )
    payer = persons.get(row["payer_person_id"]) or {}
    settings = einvoicing_settings()
    fund_id = payer.get("regional_fund")
    return document.Invoice(
        number=row["number"],
        customer_number=row["booklet_id"],
        payer=document.Payer(
            name=payer.get("name") or "",
            address=document.PostalAddress(
                street=payer.get("street") or "",
                postal_code=payer.get("postal_code") or "",
                city=payer.get("municipality") or "",
                country=payer.get("country") or "BE",
            ),
        ),
        period=row["period"],
        issued_on=row["issued_on"],
        due_on=row["due_on"],
        lines=tuple(
            document.InvoiceLine(
                person_name=(persons.get(line["person_id"]) or {}).get("name") or "",
                product=Product(line["product"]).label,
                description=_KINDS[line["kind"]][language],
                amount=Decimal(line["amount"]),
            )
            for line in row["lines"]
        ),
        supplements=row.get("supplements"),
        creditor=document.Creditor(
            name=settings.creditor_name or federation.name,
            iban=settings.creditor_iban,
            bic=settings.creditor_bic,
        ),
        federation=federation,
        fund=federation.fund(fund_id) if fund_id in federation.fund_ids else None,
    )


def language_of(payer: dict | None, asked: str | None) -> str:
    return asked or (payer or {}).get("language") or "nl"
