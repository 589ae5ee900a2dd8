"""The documents a member prints from the portal about a person of the booklet (DOS-10, seed 000
"Documenten aanvragen en afdrukken"), made by the dossier because it owns what they show: the
sheet of labels (roze klevers / vignettes), the return envelope (briefomslag) to the person's
regional fund, the incapacity certificate form (getuigschrift van arbeidsongeschiktheid /
certificat d'incapacité de travail) with the member's part filled in, and the provisional
replacement certificate of the European Health Insurance Card (the travel document).

Pure: what a document shows comes in as plain data. Set as every document of the fund is
(shared/pdf.py), in Dutch or French, dates as Belgians write them (Babel); the PDF is dated on
the day it is issued, so the same request on the same day gives the same bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.dates import format_date
from fpdf import FPDF

from shared.pdf import FONT, LOCALES, Language, address_lines, document, issuer, letterhead
from shared.reference import Contact, Federation, RegionalFund

_WORDS = {
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


def formatted_insz(number: str) -> str:
    """`85073003328` → `85.07.30-033.28`, as the national register number is written."""
    return f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"


def member_address_lines(address: PostalAddress | None, language: Language) -> list[str]:
    """`Veldstraat 12 bus 3`, `9000 Gent`, and the country's name when it is not Belgium."""
    if address is None:
        return []
    street = f"{address.street} {address.house_number}"
    if address.box:
        street += f" {_WORDS[language]['box']} {address.box}"
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


# A4 label sheet of 24: 3 columns by 8 rows of 70 × 37 mm, the sheet's 1 mm left over shared
# above and below.
LABEL_WIDTH, LABEL_HEIGHT, COLUMNS, ROWS = 70, 37, 3, 8
_TOP = (297 - ROWS * LABEL_HEIGHT) / 2
_PADDING = 4
# Code 39 with 0.25 mm narrow bars: 13 characters (the 11 digits between start and stop "*")
# take 52 mm, within the label, and wide enough for an ordinary scanner.
BAR_WIDTH, BAR_HEIGHT = 0.75, 7


def render_labels(member: Member, issued: Issued, language: Language) -> bytes:
    """The sheet of 24 identical labels (klevers / vignettes) to stick on forms for the fund."""
    words = _WORDS[language]
    pdf = document(f"{words['labels']} {member.name}", language, issued.on)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0)
    pdf.set_fill_color(0)
    for row in range(ROWS):
        for column in range(COLUMNS):
            _label(pdf, column * LABEL_WIDTH, _TOP + row * LABEL_HEIGHT, member, issued, language)
    return bytes(pdf.output())


def _label(pdf: FPDF, x: float, y: float, member: Member, issued: Issued, language: Language):
    width = LABEL_WIDTH - 2 * _PADDING
    words = _WORDS[language]
    number = formatted_insz(member.national_register_number)
    born = day(member.birth_date, language, "medium")
    lines = [
        ("B", 8.5, f"{member.last_name.upper()} {member.first_name}"),
        ("", 7, f"{number}   {born}"),
        ("", 7, issued.fund_name),
        ("", 7, f"{words['member_number']} {member.booklet_id}"),
    ]
    if member.cg1 and member.cg2:
        lines.append(("", 7, f"CG1/CG2 {member.cg1}/{member.cg2}"))
    pdf.set_xy(x + _PADDING, y + 2.5)
    for style, size, text in lines:
        pdf.set_font(FONT, style, size)
        pdf.set_x(x + _PADDING)
        pdf.cell(width, 3.4, fitted(pdf, text, width), new_x="LMARGIN", new_y="NEXT")
    bars_at = y + LABEL_HEIGHT - 2.5 - BAR_HEIGHT
    pdf.code39(f"*{member.national_register_number}*", x + _PADDING, bars_at, BAR_WIDTH, BAR_HEIGHT)


# DL envelope, 220 × 110 mm, in landscape; the addressee where a window or a franking machine
# expects it, in the right half below the stamp.
ENVELOPE = (220, 110)


def render_envelope(member: Member, issued: Issued, language: Language) -> bytes:
    """The return envelope (briefomslag): to the person's regional fund, the member as sender."""
    words = _WORDS[language]
    pdf = document(f"{words['envelope']} {issued.fund_name}", language, issued.on, ENVELOPE)
    pdf.set_auto_page_break(False)
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(10, 8)
    sender = [member.name, *member_address_lines(member.address, language)]
    sender.append(f"{words['member_number']} {member.booklet_id}")
    for line in sender:
        pdf.cell(90, 3.8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.rect(ENVELOPE[0] - 32, 8, 22, 26)
    pdf.set_font_size(6)
    pdf.set_xy(ENVELOPE[0] - 32, 19)
    pdf.cell(22, 3, words["stamp"], align="C")
    name, _, _ = issuer(issued.federation, issued.fund)
    pdf.set_xy(110, 58)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(100, 6, name, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for line in address_lines(issued.postal_contact):
        pdf.cell(100, 6, line, new_x="LEFT", new_y="NEXT")
    return bytes(pdf.output())


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
