"""The incapacity certificate form (getuigschrift van arbeidsongeschiktheid / certificat
d'incapacité de travail): the member's part filled in, the doctor's left blank, and when and
where to send it."""

from __future__ import annotations

from fpdf import FPDF

from services.dossier.documents.person import (
    Issued,
    Member,
    member_address_lines,
)
from shared.identifiers import formatted_insz
from shared.pdf import FONT, Language, address_lines, document, issuer, letterhead

_FORM = {
    "nl": {
        "short": "Getuigschrift",
        "title": "Getuigschrift van arbeidsongeschiktheid",
        "confidential": "Vertrouwelijk – voor de adviserend arts van het ziekenfonds",
        "member_part": "1. Gegevens van het lid (ingevuld door het ziekenfonds)",
        "fields": ("Naam", "Rijksregisternummer", "Adres", "Ziekenfonds", "Lidnummer"),
        "doctor_part": "2. In te vullen door de behandelende arts",
        "certifies": "Ondergetekende, arts, verklaart dat de hierboven vermelde persoon "
        "arbeidsongeschikt is.",
        "start": "Begindatum van de arbeidsongeschiktheid",
        "end": "Vermoedelijke einddatum (inbegrepen)",
        "diagnosis": "Diagnose of symptomen",
        "leave": "De patiënt mag de woning verlaten",
        "yes_no": ("ja", "nee"),
        "doctor": "Naam van de arts",
        "riziv": "RIZIV-nummer",
        "date": "Datum",
        "signature": "Handtekening en stempel van de arts",
        "send_title": "3. Waarheen en wanneer?",
    },
    "fr": {
        "short": "Certificat",
        "title": "Certificat d'incapacité de travail",
        "confidential": "Confidentiel – pour le médecin-conseil de la mutualité",
        "member_part": "1. Données du membre (complétées par la mutualité)",
        "fields": ("Nom", "Numéro de registre national", "Adresse", "Mutualité", "N° de membre"),
        "doctor_part": "2. À compléter par le médecin traitant",
        "certifies": "Le médecin soussigné déclare que la personne mentionnée ci-dessus est "
        "en incapacité de travail.",
        "start": "Date de début de l'incapacité de travail",
        "end": "Date de fin probable (incluse)",
        "diagnosis": "Diagnostic ou symptômes",
        "leave": "Le patient peut quitter son domicile",
        "yes_no": ("oui", "non"),
        "doctor": "Nom du médecin",
        "riziv": "Numéro INAMI",
        "date": "Date",
        "signature": "Signature et cachet du médecin",
        "send_title": "3. À qui et quand ?",
    },
}

# When and to whom (seed 000 "Getuigschrift arbeidsongeschiktheid"): the deadlines are the
# official ones of the RIZIV/INAMI for salaried workers and the unemployed,
# https://www.inami.fgov.be/fr/themes/incapacite-de-travail/salaries-et-chomeurs/declarer-son-incapacite-de-travail
# and for the self-employed (the hospital rule is stated there too),
# https://www.riziv.fgov.be/nl/thema-s/arbeidsongeschiktheid/zelfstandigen/aangifte-en-erkenning
# Keep them in step with those pages: a wrong deadline costs the member 10 % of the benefit.
_SEND = {
    "nl": (
        "Bezorg dit getuigschrift aan de adviserend arts van je ziekenfonds: per post naar het "
        "adres hieronder, of geef het af aan het loket tegen een ontvangstbewijs.\n"
        "Doe dat zo snel mogelijk, en ten laatste binnen deze termijn (kalenderdagen): "
        "arbeider 14 dagen, bediende 28 dagen (telkens de eerste dag van de "
        "arbeidsongeschiktheid inbegrepen); werkloze of zelfstandige 7 dagen (de eerste dag "
        "niet inbegrepen). Ben je opgenomen in het ziekenhuis, geef het dan af zodra je het "
        "ziekenhuis verlaat."
    ),
    "fr": (
        "Transmettez ce certificat au médecin-conseil de votre mutualité : par la poste à "
        "l'adresse ci-dessous, ou déposez-le au guichet contre un accusé de réception.\n"
        "Faites-le au plus vite, et au plus tard dans ce délai (jours civils) : ouvrier 14 "
        "jours, employé 28 jours (1er jour d'incapacité inclus) ; chômeur ou indépendant 7 "
        "jours (1er jour d'incapacité non compris). Si vous êtes hospitalisé, faites-le dès "
        "votre sortie de l'hôpital."
    ),
}


def render_incapacity_form(member: Member, issued: Issued, language: Language) -> bytes:
    """The incapacity certificate form: the member's part filled in from the dossier, the
    doctor's part left to fill in, and when and to whom to send it."""
    words = _FORM[language]
    pdf = document(f"{words['title']} – {member.name}", language, issued.on)
    letterhead(pdf, issued.federation, issued.fund, words["short"], language)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 7, words["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 5, words["confidential"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _member_part(pdf, member, issued, language, words)
    _doctor_part(pdf, words)
    _where_to_send(pdf, issued, language, words)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, text, border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _member_part(pdf: FPDF, member: Member, issued: Issued, language: Language, words: dict):
    _heading(pdf, words["member_part"])
    values = (
        member.name,
        formatted_insz(member.national_register_number),
        ", ".join(member_address_lines(member.address, language)) or "—",
        issued.fund_name,
        member.booklet_id,
    )
    for label, value in zip(words["fields"], values, strict=True):
        pdf.set_font(FONT, "", 10)
        pdf.cell(55, 6, label)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


_LABEL = 82  # the width of a field's label on the form, left of where the doctor writes


def _doctor_part(pdf: FPDF, words: dict) -> None:
    _heading(pdf, words["doctor_part"])
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, words["certifies"], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label in (words["start"], words["end"]):
        _boxed(pdf, label, (2, 2, 4), "/")
    pdf.cell(0, 6, words["diagnosis"], new_x="LMARGIN", new_y="NEXT")
    pdf.rect(pdf.l_margin, pdf.get_y(), pdf.epw, 15)
    pdf.ln(18)
    pdf.cell(_LABEL, 7, words["leave"])
    for answer in words["yes_no"]:
        pdf.rect(pdf.get_x(), pdf.get_y() + 1.5, 4, 4)
        pdf.set_x(pdf.get_x() + 6)
        pdf.cell(18, 7, answer)
    pdf.ln(9)
    pdf.cell(_LABEL, 7, words["doctor"])
    pdf.line(pdf.get_x(), pdf.get_y() + 6, pdf.l_margin + pdf.epw, pdf.get_y() + 6)
    pdf.ln(9)
    _boxed(pdf, words["riziv"], (1, 5, 2, 3), "-")  # as the number is written: 1-23456-78-901
    _boxed(pdf, words["date"], (2, 2, 4), "/")
    pdf.cell(0, 6, words["signature"], new_x="LMARGIN", new_y="NEXT")
    pdf.rect(pdf.l_margin, pdf.get_y(), 80, 18)
    pdf.ln(21)


def _boxed(pdf: FPDF, label: str, groups: tuple[int, ...], separator: str) -> None:
    """A label, then one box per character to write, in groups (`__/__/____`)."""
    pdf.cell(_LABEL, 7, label)
    for index, size in enumerate(groups):
        if index:
            pdf.cell(3, 7, separator, align="C")
        for _ in range(size):
            pdf.rect(pdf.get_x(), pdf.get_y(), 5, 7)
            pdf.set_x(pdf.get_x() + 5)
    pdf.ln(8)


def _where_to_send(pdf: FPDF, issued: Issued, language: Language, words: dict) -> None:
    _heading(pdf, words["send_title"])
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 4.5, _SEND[language], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    name, _, _ = issuer(issued.federation, issued.fund)
    pdf.set_font(FONT, "B", 10)
    lines = [name, *address_lines(issued.postal_contact)]
    pdf.multi_cell(0, 5, "\n".join(lines), new_x="LMARGIN", new_y="NEXT")
