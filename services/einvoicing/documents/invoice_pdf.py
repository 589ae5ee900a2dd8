"""A premium invoice as a PDF, in Dutch or French (INV-2): the fund's letterhead, the payer,
the month, a line per person and product, the total, the due date (INV-4) and how to pay:
the fund's account, the structured communication (INV-8) and an EPC QR code that a banking
app scans to fill in the transfer.

Set as every document of the fund is (shared/pdf.py); the PDF's creation date is the issue
date, so the same invoice always gives the same bytes."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import segno
from babel.dates import format_date
from babel.numbers import format_currency
from fpdf import FPDF, FontFace
from segno import helpers

from services.einvoicing.domain.invoice import Invoice
from shared.pdf import FONT, LOCALES, Language, document, letterhead

LABEL = 55  # mm: "Gestructureerde mededeling" in 10 pt
QR_SIZE = 40  # mm: with the border, a module stays above the 0.5 mm phone cameras need

_WORDS = {
    "nl": {
        "title": "Factuur",
        "to": "Aan",
        "number": "Factuurnummer",
        "supplements": "Aanvulling op factuur",
        "customer": "Klantnummer",
        "period": "Periode",
        "issued": "Factuurdatum",
        "due": "Vervaldatum",
        "columns": ("Persoon", "Product", "Omschrijving", "Bedrag"),
        "total": "Totaal te betalen",
        "payment": "Betaling",
        "amount": "Bedrag",
        "creditor": "Begunstigde",
        "iban": "Rekening",
        "bic": "BIC",
        "communication": "Gestructureerde mededeling",
        "scan": "Scan de code met je bank-app om te betalen.",
        "due_anyway": "Deze factuur moet betaald zijn op de vervaldatum, ook als je de melding "
        "ervan niet hebt ontvangen, geopend of gelezen.",
    },
    "fr": {
        "title": "Facture",
        "to": "À",
        "number": "Numéro de facture",
        "supplements": "Complément à la facture",
        "customer": "Numéro de client",
        "period": "Période",
        "issued": "Date de la facture",
        "due": "Échéance",
        "columns": ("Personne", "Produit", "Description", "Montant"),
        "total": "Total à payer",
        "payment": "Paiement",
        "amount": "Montant",
        "creditor": "Bénéficiaire",
        "iban": "Compte",
        "bic": "BIC",
        "communication": "Communication structurée",
        "scan": "Scannez le code avec votre app bancaire pour payer.",
        "due_anyway": "Cette facture doit être payée à son échéance, même si vous n'en avez pas "
        "reçu, ouvert ou lu la notification.",
    },
}


def epc_fields(invoice: Invoice) -> dict:
    """What the EPC QR code (EPC069-12, SEPA credit transfer) carries, as segno takes it.

    The communication goes as the structured `reference` (line 10) in its 12 bare digits,
    and the free `text` (line 11) stays empty: the standard allows one of the two only. In the
    structured line Belgian banking apps put it in their "gestructureerde mededeling /
    communication structurée" field, as in a SEPA transfer's structured remittance (issuer
    BBA); as text it would arrive as a free message, which the matching of payments (INV-8)
    cannot rely on (the complaint of letspeppol#274 and Dolibarr#38880; Odoo puts any valid
    structured reference there). segno checks only a reference's length (at most 35), not
    that it is an ISO 11649 RF one; the +++ and slashes are for print only."""
    return {
        "name": invoice.creditor.name[:70],  # EPC069-12 limit
        "iban": invoice.creditor.iban,
        "bic": invoice.creditor.bic,
        "amount": invoice.total,
        "reference": invoice.communication.digits,
    }


def epc_qr(invoice: Invoice) -> segno.QRCode:
    return helpers.make_epc_qr(**epc_fields(invoice))


def render_invoice(invoice: Invoice, language: Language) -> bytes:
    """The invoice as PDF bytes, in Dutch or French."""
    if language not in _WORDS:
        raise ValueError(f"invoices are printed in Dutch or French, not {language!r}")
    words, locale = _WORDS[language], LOCALES[language]
    pdf = document(f"{words['title']} {invoice.number}", language, invoice.issued_on)
    letterhead(pdf, invoice.federation, invoice.fund, words["title"], language)
    _heading(pdf, invoice, words, locale)
    _lines(pdf, invoice, words, locale)
    _payment(pdf, invoice, words, locale)
    return bytes(pdf.output())


def _money(amount: Decimal, locale: str) -> str:
    return format_currency(amount, "EUR", locale=locale)


def _field(pdf: FPDF, label: str, value: str, width: float = 0) -> None:
    pdf.set_font(FONT, "", 10)
    pdf.cell(LABEL, 6, label)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(width, 6, value, new_x="LMARGIN", new_y="NEXT")  # a long name wraps


def _heading(pdf: FPDF, invoice: Invoice, words: dict, locale: str) -> None:
    address = invoice.payer.address
    pdf.set_font(FONT, "", 10)
    for line in (words["to"], invoice.payer.name, address.street):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, f"{address.postal_code} {address.city}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    supplements = [("supplements", invoice.supplements)] if invoice.supplements else []
    for key, value in (
        ("number", invoice.number),
        *supplements,
        ("customer", invoice.customer_number),
        ("period", format_date(invoice.period, "LLLL y", locale=locale)),
        ("issued", format_date(invoice.issued_on, "long", locale=locale)),
        ("due", format_date(invoice.due_on, "long", locale=locale)),
    ):
        _field(pdf, words[key], value)
    pdf.ln(5)


def _lines(pdf: FPDF, invoice: Invoice, words: dict, locale: str) -> None:
    pdf.set_font(FONT, "", 9)
    bold = FontFace(family=FONT, emphasis="BOLD")
    with pdf.table(
        col_widths=(40, 45, 67, 28),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
        headings_style=bold,
        line_height=5,
    ) as table:
        table.row(words["columns"])
        for line in invoice.lines:
            amount = _money(line.amount, locale)
            table.row((line.person_name, line.product, line.description, amount))
        total = table.row(style=bold)
        total.cell(words["total"], colspan=3)
        total.cell(_money(invoice.total, locale))
    pdf.ln(6)


def _payment(pdf: FPDF, invoice: Invoice, words: dict, locale: str) -> None:
    if pdf.get_y() + QR_SIZE + 25 > pdf.page_break_trigger:  # keep the QR with its fields
        pdf.add_page()
    top = pdf.get_y()
    png = BytesIO()
    epc_qr(invoice).save(png, kind="png", scale=4, border=4)
    pdf.image(png, x=pdf.w - pdf.r_margin - QR_SIZE, y=top, w=QR_SIZE, h=QR_SIZE)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, words["payment"], new_x="LMARGIN", new_y="NEXT")
    creditor, text_width = invoice.creditor, pdf.epw - QR_SIZE - LABEL - 5
    for key, value in (
        ("amount", _money(invoice.total, locale)),
        ("due", format_date(invoice.due_on, "long", locale=locale)),
        ("creditor", creditor.name),
        ("iban", " ".join(creditor.iban[i : i + 4] for i in range(0, len(creditor.iban), 4))),
        ("bic", creditor.bic or ""),
        ("communication", str(invoice.communication)),
    ):
        if value:
            _field(pdf, words[key], value, text_width)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(text_width + LABEL, 4.5, words["scan"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE) + 4)
    pdf.multi_cell(0, 4.5, words["due_anyway"], new_x="LMARGIN", new_y="NEXT")
