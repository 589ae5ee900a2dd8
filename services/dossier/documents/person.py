"""The person a document is about and who issues it, and the small things every document of the
dossier writes the same way: the national register number, a postal address, a date, a text
fitted to its box."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.dates import format_date
from fpdf import FPDF

from shared.pdf import LOCALES, Language, issuer
from shared.reference import Contact, Federation, RegionalFund

WORDS = {
    "nl": {
        "box": "bus",
        "member_number": "Lidnr.",
        "fund_number": "nr.",
        "labels": "Klevers",
        "envelope": "Briefomslag",
        "stamp": "Postzegel",
    },
    "fr": {
        "box": "boîte",
        "member_number": "N° membre",
        "fund_number": "n°",
        "labels": "Vignettes",
        "envelope": "Enveloppe-réponse",
        "stamp": "Timbre",
    },
}


@dataclass(frozen=True)
class PostalAddress:
    street: str
    house_number: str
    box: str | None
    postal_code: str | None
    municipality: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Member:
    """The person a document is about, as the booklet shows them."""

    first_name: str
    last_name: str
    national_register_number: str  # 11 digits
    birth_date: date
    booklet_id: str  # the member number on labels and forms
    address: PostalAddress | None  # None for persons enrolled before addresses were kept
    cg1: str | None = None  # codes gerechtigde, where known
    cg2: str | None = None

    def __post_init__(self) -> None:
        number = self.national_register_number
        if len(number) != 11 or not number.isdigit():
            raise ValueError("a national register number has 11 digits")

    @property
    def name(self) -> str:
        return f"{self.last_name} {self.first_name}"


@dataclass(frozen=True)
class Issued:
    """Who issues a document and when: the person's regional fund (the federation when the
    fund is unknown), on the day it is printed."""

    federation: Federation
    fund: RegionalFund | None
    on: date

    @property
    def fund_name(self) -> str:
        """The fund's name, with its number where the reference data gives one."""
        name, _, _ = issuer(self.federation, self.fund)
        number = self.fund.fund_number if self.fund is not None else None
        return name if number is None else f"{name} ({number})"

    @property
    def postal_contact(self) -> Contact:
        """Where the fund receives post: its first desk with an address, else the federation's
        headquarters."""
        desks = self.fund.contacts if self.fund is not None else ()
        with_address = [desk for desk in desks if desk.address is not None]
        return with_address[0] if with_address else self.federation.headquarters


def member_address_lines(address: PostalAddress | None, language: Language) -> list[str]:
    """`Veldstraat 12 bus 3`, `9000 Gent`, and the country's name when it is not Belgium."""
    if address is None:
        return []
    street = f"{address.street} {address.house_number}"
    if address.box:
        street += f" {WORDS[language]['box']} {address.box}"
    town = " ".join(part for part in (address.postal_code, address.municipality) if part)
    lines = [street, town]
    if address.country != "BE":
        territories = Locale.parse(LOCALES[language]).territories
        lines.append(territories.get(address.country, address.country).upper())
    return lines


def day(value: date, language: Language, style: str = "long") -> str:
    return format_date(value, style, locale=LOCALES[language])


def fitted(pdf: FPDF, text: str, width: float, smallest: float = 5.5) -> str:
    """Makes `text` fit `width`: a smaller font first (down to `smallest`), then cut with "…"
    (a label is small, and a long name must not run into the next one)."""
    size = pdf.font_size_pt
    while pdf.get_string_width(text) > width and size > smallest:
        size -= 0.5
        pdf.set_font_size(size)
    while pdf.get_string_width(text) > width and len(text) > 1:
        text = text[:-2] + "…"
    return text
