"""The attest of the incapacity benefits paid to a person in a calendar year (uitkeringsattest /
attestation d'indemnités, DOS-10): each month (or part) paid, its benefit days, the day it was
paid and the amount, and the year's total — what a member shows an employer, a bank or the
tax office. The amounts are those paid; withholding tax is not computed by this system, and
the attest says nothing of it rather than something wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from fpdf import FontFace

from shared.identifiers import formatted_insz
from shared.pdf import FONT, LOCALES, Language, document, letterhead
from shared.reference import Federation, RegionalFund

_WORDS = {
    "nl": {
        "title": "Uitkeringsattest",
        "what": "Wij bevestigen dat de hieronder vermelde uitkeringen voor arbeidsongeschiktheid "
        "in {year} werden betaald aan",
        "nrn": "Rijksregisternummer",
        "columns": ("Periode", "Uitkeringsdagen", "Betaald op", "Bedrag"),
        "to": "tot",
        "total": "Totaal {year}",
        "made_on": "Opgemaakt op {day}.",
    },
    "fr": {
        "title": "Attestation d'indemnités",
        "what": "Nous attestons que les indemnités d'incapacité de travail mentionnées ci-dessous "
        "ont été payées en {year} à",
        "nrn": "Numéro de registre national",
        "columns": ("Période", "Jours indemnisés", "Payé le", "Montant"),
        "to": "au",
        "total": "Total {year}",
        "made_on": "Établi le {day}.",
    },
}


@dataclass(frozen=True)
class PaidPeriod:
    start: date
    end: date
    benefit_days: int
    paid_on: date
    amount: Decimal


@dataclass(frozen=True)
class BenefitAttest:
    year: int
    person_name: str
    national_register_number: str
    periods: tuple[PaidPeriod, ...]
    made_on: date
    federation: Federation
    fund: RegionalFund | None

    @property
    def total(self) -> Decimal:
        return sum((period.amount for period in self.periods), Decimal("0.00"))


def render_benefit_attest(attest: BenefitAttest, language: Language) -> bytes:
    words, locale = _WORDS[language], LOCALES[language]

    def day(value: date) -> str:
        return format_date(value, "medium", locale=locale)

    def money(amount: Decimal) -> str:
        return format_currency(amount, "EUR", locale=locale)

    pdf = document(f"{words['title']} {attest.year}", language, attest.made_on)
    letterhead(pdf, attest.federation, attest.fund, words["title"], language)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, words["what"].format(year=attest.year), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, attest.person_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    shown = formatted_insz(attest.national_register_number)
    pdf.cell(0, 6, f"{words['nrn']}: {shown}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    bold = FontFace(family=FONT, emphasis="BOLD")
    with pdf.table(
        col_widths=(70, 35, 35, 30),
        text_align=("LEFT", "RIGHT", "LEFT", "RIGHT"),
        headings_style=bold,
        line_height=5,
    ) as table:
        table.row(words["columns"])
        for period in attest.periods:
            table.row(
                (
                    f"{day(period.start)} {words['to']} {day(period.end)}",
                    str(period.benefit_days),
                    day(period.paid_on),
                    money(period.amount),
                )
            )
        total = table.row(style=bold)
        total.cell(words["total"].format(year=attest.year), colspan=3)
        total.cell(money(attest.total))
    pdf.ln(6)
    pdf.cell(0, 6, words["made_on"].format(day=day(attest.made_on)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
