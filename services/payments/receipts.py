"""The receipt (kwijtschrift / quittance) of one payment as a PDF (PAY-2).

What the care certificate carries is on it (PAY-1): per item the date, the provider, the
service, the tariff and the amount reimbursed; and the payment itself: value date, to whom,
to which account (masked), how much. The header names the member's regional fund with its
address and phone from the reference data (ORG-1), or the federation when the fund is unknown.

Set as every document of the fund is (shared/pdf.py); the PDF's creation date is the value
date, so the same receipt always gives the same bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from fpdf import FPDF, FontFace

from shared.pdf import FONT, LOCALES, Language, document, letterhead
from shared.reference import Federation, RegionalFund

_WORDS = {
    "nl": {
        "title": "Kwijtschrift",
        "what": "Dit document bevestigt de betaling van de hieronder vermelde tegemoetkomingen.",
        "payment_id": "Betalingsreferentie",
        "value_date": "Valutadatum",
        "person": "Patiënt",
        "beneficiary": "Betaald aan",
        "iban": "Rekening",
        "amount": "Betaald bedrag",
        "columns": ("Datum", "Zorgverlener", "Prestatie", "Tarief", "Terugbetaald"),
        "total": "Totaal",
        "kinds": {"maf_refund": "Maximumfactuur", "benefit": "Uitkering"},
        "colon": ":",
    },
    "fr": {
        "title": "Quittance",
        "what": "Ce document atteste le paiement des interventions mentionnées ci-dessous.",
        "payment_id": "Référence du paiement",
        "value_date": "Date valeur",
        "person": "Patient",
        "beneficiary": "Payé à",
        "iban": "Compte",
        "amount": "Montant payé",
        "columns": ("Date", "Prestataire", "Prestation", "Tarif", "Remboursé"),
        "total": "Total",
        "kinds": {"maf_refund": "Maximum à facturer", "benefit": "Indemnité"},
        "colon": "\u202f:",  # French puts a (narrow no-break) space before the colon
    },
}


@dataclass(frozen=True)
class ReceiptItem:
    care_date: date
    provider_name: str
    description: str  # the service, in the member's language
    fee: Decimal  # tariff; zero where there is none (a benefit)
    reimbursed: Decimal  # amount reimbursed for this item
    kind: str = "reimbursement"  # "reimbursement" | "maf_refund" | "benefit" | ...


@dataclass(frozen=True)
class Receipt:
    payment_id: str
    value_date: date
    person_name: str  # whose care it was
    beneficiary_name: str  # who was paid: the member, or the provider (third-party payment)
    iban: str
    amount: Decimal  # total paid: the sum of the items
    items: tuple[ReceiptItem, ...]
    federation: Federation
    fund: RegionalFund | None  # the member's regional fund, if known

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError(f"receipt {self.payment_id}: a payment pays at least one item")
        paid = sum((item.reimbursed for item in self.items), Decimal(0))
        if paid != self.amount:
            raise ValueError(
                f"receipt {self.payment_id}: the items add up to {paid}, not {self.amount}"
            )


def masked_iban(iban: str) -> str:
    """`BE71 0961 2345 6769` → `BE.. .... .... 6769`: the country and the last 4 characters."""
    compact = "".join(iban.split()).upper()
    shown = compact[:2] + "." * (len(compact) - 6) + compact[-4:]
    return " ".join(shown[i : i + 4] for i in range(0, len(shown), 4))


def render_receipt(receipt: Receipt, language: Language) -> bytes:
    """The receipt as PDF bytes, in Dutch or French."""
    if language not in _WORDS:
        raise ValueError(f"receipts are printed in Dutch or French, not {language!r}")
    words, locale = _WORDS[language], LOCALES[language]
    pdf = document(f"{words['title']} {receipt.payment_id}", language, receipt.value_date)
    _header(pdf, receipt, language, words)
    _payment(pdf, receipt, words, locale)
    _items(pdf, receipt, words, locale)
    return bytes(pdf.output())


def _header(pdf: FPDF, receipt: Receipt, language: Language, words: dict) -> None:
    letterhead(pdf, receipt.federation, receipt.fund, words["title"], language)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, words["what"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _payment(pdf: FPDF, receipt: Receipt, words: dict, locale: str) -> None:
    fields = (
        ("payment_id", receipt.payment_id),
        ("value_date", format_date(receipt.value_date, "long", locale=locale)),
        ("person", receipt.person_name),
        ("beneficiary", receipt.beneficiary_name),
        ("iban", masked_iban(receipt.iban)),
        ("amount", format_currency(receipt.amount, "EUR", locale=locale)),
    )
    for key, value in fields:
        pdf.set_font(FONT, "", 10)
        pdf.cell(50, 6, words[key])
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def _items(pdf: FPDF, receipt: Receipt, words: dict, locale: str) -> None:
    def money(amount: Decimal) -> str:
        return format_currency(amount, "EUR", locale=locale)

    pdf.set_font(FONT, "", 9)
    bold = FontFace(family=FONT, emphasis="BOLD")
    with pdf.table(
        col_widths=(22, 40, 64, 22, 26),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"),
        headings_style=bold,
        line_height=5,
    ) as table:
        table.row(words["columns"])
        for item in receipt.items:
            label = words["kinds"].get(item.kind)  # a plain reimbursement needs none
            table.row(
                (
                    format_date(item.care_date, "medium", locale=locale),
                    item.provider_name,
                    f"{label}{words['colon']} {item.description}" if label else item.description,
                    money(item.fee) if item.fee else "",
                    money(item.reimbursed),
                )
            )
        total = table.row(style=bold)
        total.cell(words["total"], colspan=4)
        total.cell(money(receipt.amount))
