"""The provisional replacement certificate of the European Health Insurance Card (the EU model
certificate): the travel document a member prints before leaving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.dossier.documents.person import (
    Issued,
    Member,
    day,
)
from shared.identifiers import formatted_insz
from shared.pdf import FONT, Language, document, letterhead


@dataclass(frozen=True)
class EhicCertificate:
    """The provisional replacement certificate of the European Health Insurance Card (the EU
    model certificate): the card's fields, and the days the certificate stands in for it."""

    member: Member
    issued: Issued  # issued.on: the date of issue, the first day of validity
    valid_until: date
    card_number: str | None = None  # the card's, where the fund knows it
    card_expiry: date | None = None

    def __post_init__(self) -> None:
        if self.valid_until < self.issued.on:
            raise ValueError("a certificate cannot expire before it is issued")


_EHIC = {
    "nl": {
        "short": "EZVK",
        "title": "Voorlopig vervangend certificaat van de Europese ziekteverzekeringskaart",
        "what": "Dit certificaat bevestigt het recht van de hieronder vermelde persoon op de "
        "Europese ziekteverzekeringskaart en vervangt die kaart tijdens de geldigheidsduur.",
        "fields": (
            "Lidstaat van afgifte",
            "Naam",
            "Voornamen",
            "Geboortedatum",
            "Persoonlijk identificatienummer",
            "Identificatienummer van het orgaan",
            "Identificatienummer van de kaart",
            "Vervaldatum",
        ),
        "validity": "Geldigheidsduur van het certificaat",
        "from_to": "van {start} tot en met {end}",
        "date_of_issue": "Datum van afgifte",
        "belgium": "België (BE)",
        "stamp": "Stempel en handtekening van het orgaan",
    },
    "fr": {
        "short": "CEAM",
        "title": "Certificat provisoire de remplacement de la carte européenne d'assurance maladie",
        "what": "Ce certificat atteste le droit de la personne mentionnée ci-dessous à la carte "
        "européenne d'assurance maladie et remplace cette carte pendant sa durée de validité.",
        "fields": (
            "État membre émetteur",
            "Nom",
            "Prénoms",
            "Date de naissance",
            "Numéro d'identification personnel",
            "Numéro d'identification de l'institution",
            "Numéro d'identification de la carte",
            "Date d'expiration",
        ),
        "validity": "Période de validité du certificat",
        "from_to": "du {start} au {end} inclus",
        "date_of_issue": "Date de délivrance",
        "belgium": "Belgique (BE)",
        "stamp": "Cachet et signature de l'institution",
    },
}


def render_ehic_certificate(certificate: EhicCertificate, language: Language) -> bytes:
    words, member, issued = _EHIC[language], certificate.member, certificate.issued

    def numeric(value: date | None) -> str:  # the EU model writes dates as DD/MM/YYYY
        return "—" if value is None else day(value, language, "dd/MM/yyyy")

    pdf = document(f"{words['title']} – {member.name}", language, issued.on)
    letterhead(pdf, issued.federation, issued.fund, words["short"], language)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 6.5, words["title"], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, words["what"], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    values = (
        words["belgium"],
        member.last_name,
        member.first_name,
        numeric(member.birth_date),
        formatted_insz(member.national_register_number),
        issued.fund_name,
        certificate.card_number or "—",
        numeric(certificate.card_expiry),
    )
    validity = words["from_to"].format(
        start=numeric(issued.on), end=numeric(certificate.valid_until)
    )
    rows = [*zip(words["fields"], values, strict=True), (words["validity"], validity)]
    rows.append((words["date_of_issue"], numeric(issued.on)))
    for label, value in rows:
        pdf.set_font(FONT, "", 10)
        pdf.cell(80, 7, label, border="B")
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 7, value, border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 5, words["stamp"], new_x="LMARGIN", new_y="NEXT")
    pdf.rect(pdf.l_margin, pdf.get_y(), 80, 30)
    return bytes(pdf.output())
