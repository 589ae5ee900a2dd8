"""What every printed document of the fund shares (receipts, attests, label sheets, forms):
an A4 page in DejaVu Sans (shipped in `assets/` with its licence, so "€", "é" and "ë" print and
can be read back from the PDF on any machine), a fixed creation date (the same document always
gives the same bytes), and the letterhead of the member's regional fund from the reference data
(ORG-1), or of the federation when the fund is unknown."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from importlib import resources
from typing import Literal

from fpdf import FPDF

from shared.reference import Contact, Federation, RegionalFund

Language = Literal["nl", "fr"]
LOCALES = {"nl": "nl_BE", "fr": "fr_BE"}
FONT = "DejaVu"
PHONE = {"nl": "Tel.", "fr": "Tél."}


def document(
    title: str, language: Language, made_on: date, page_format: str | tuple = "A4"
) -> FPDF:
    """An empty document with its first page, its metadata and the fonts."""
    pdf = FPDF(format=page_format)
    pdf.set_creation_date(datetime.combine(made_on, time(), timezone.utc))
    pdf.set_producer("mutualis")
    pdf.set_title(title)
    pdf.set_lang(f"{language}-BE")
    with resources.as_file(resources.files(__package__).joinpath("assets")) as folder:
        pdf.add_font(FONT, "", folder / "DejaVuSans.ttf")
        pdf.add_font(FONT, "B", folder / "DejaVuSans-Bold.ttf")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def issuer(federation: Federation, fund: RegionalFund | None) -> tuple[str, Contact, str | None]:
    """Who issues a document: the member's fund, or else the federation."""
    if fund is not None:
        return fund.name, fund.contact, fund.website
    return federation.name, federation.headquarters, federation.website


def address_lines(contact: Contact) -> list[str]:
    if contact.address is None:
        return []
    return [contact.address.street, f"{contact.address.postal_code} {contact.address.city}"]


def letterhead(
    pdf: FPDF, federation: Federation, fund: RegionalFund | None, title: str, language: Language
) -> None:
    """The issuer's name, address and contacts on the left, the document's title on the right."""
    name, contact, website = issuer(federation, fund)
    lines = [federation.name] if fund is not None else []
    lines += address_lines(contact)
    if contact.phone is not None:
        lines.append(f"{PHONE[language]} {contact.phone}")
    lines += [line for line in (contact.email, website) if line]
    pdf.set_font(FONT, "B", 13)
    pdf.cell(110, 7, name)
    pdf.set_font(FONT, "B", 20)
    pdf.cell(0, 7, title, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for line in lines:
        pdf.cell(110, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
