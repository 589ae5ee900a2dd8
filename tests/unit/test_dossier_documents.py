"""DOS-10 (seed 000 "Documenten aanvragen en afdrukken"): the documents a member prints about a
person of the booklet — labels, return envelope, incapacity certificate form, replacement
certificate of the European Health Insurance Card — in Dutch and French; their text reads back
from the PDF with the person, the national register number as it is written and the fund, and
the labels' barcode decodes to the national register number."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from services.dossier.documents import (
    EhicCertificate,
    Issued,
    Member,
    PostalAddress,
    render_ehic_certificate,
    render_envelope,
    render_incapacity_form,
    render_labels,
)
from services.dossier.documents.labels import COLUMNS, LABEL_HEIGHT, LABEL_WIDTH, ROWS
from shared.reference import load_federation

ELS = "85073003328"
BOOKLET = "B-2026-000417"
TODAY = date(2026, 1, 5)


def els(**overrides) -> Member:
    values = {
        "first_name": "Els",
        "last_name": "Peeters",
        "national_register_number": ELS,
        "birth_date": date(1985, 7, 30),
        "booklet_id": BOOKLET,
        "address": PostalAddress("Veldstraat", "12", "3", "9000", "Gent", "BE"),
        "cg1": "110",
        "cg2": "110",
    }
    return Member(**{**values, **overrides})


def issued(federation="socialist", fund: str | None = "bondmoyson-oost-vlaanderen") -> Issued:
    reference = load_federation(federation)
    return Issued(reference, reference.fund(fund) if fund else None, TODAY)


def text_of(pdf: bytes) -> str:
    """The PDF's text with every run of white space (also no-break spaces) as one space."""
    pages = PdfReader(BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    ("language", "born", "member_number"),
    [("nl", "30 jul 1985", "Lidnr. B-2026-000417"), ("fr", "30 juil. 1985", "N° membre")],
)
def test_dos10_a_sheet_has_24_labels_with_the_person_the_fund_and_the_codes(
    language, born, member_number
):
    pdf = render_labels(els(), issued(), language)

    text = text_of(pdf)
    assert pages_of(pdf) == 1 and COLUMNS * ROWS == 24
    assert text.count("PEETERS Els") == 24
    assert text.count(f"85.07.30-033.28 {born}") == 24
    assert text.count("Bond Moyson Oost-Vlaanderen") == 24
    assert text.count(member_number) == 24
    assert text.count("CG1/CG2 110/110") == 24


def test_dos10_a_label_leaves_out_entitlement_codes_that_are_not_known():
    text = text_of(render_labels(els(cg1=None, cg2=None), issued(), "nl"))

    assert "CG1/CG2" not in text and text.count("PEETERS Els") == 24


def test_dos10_a_long_name_is_shortened_to_stay_on_its_label():
    long_name = "Vandenbroucke-Van Der Heyden-Wijnendaele-De Smet-Verschueren"

    text = text_of(render_labels(els(last_name=long_name), issued(), "nl"))

    assert text.count("…") >= 24 and long_name.upper() not in text


# Code 39 as the barcode's bars and spaces: n narrow, w wide (ISO/IEC 16388), for what a
# national register number needs: the digits and the start/stop character.
CODE39 = {
    "nnnwwnwnn": "0",
    "wnnwnnnnw": "1",
    "nnwwnnnnw": "2",
    "wnwwnnnnn": "3",
    "nnnwwnnnw": "4",
    "wnnwwnnnn": "5",
    "nnwwwnnnn": "6",
    "nnnwnnwnw": "7",
    "wnnwnnwnn": "8",
    "nnwwnnwnn": "9",
    "nwnnwnwnn": "*",
}


def barcode_of_the_first_label(pdf: bytes) -> str:
    """Reads the bars the first label's barcode is drawn with (filled rectangles in its box),
    as a scanner would: bar and space widths, narrow or wide, nine to a character."""
    reader = PdfReader(BytesIO(pdf))
    page = reader.pages[0]
    height = float(page.mediabox.height)
    to_points = 72 / 25.4
    bars = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"re":
            x, y, width, _ = (float(value) for value in operands)
            if x < LABEL_WIDTH * to_points and height - y < LABEL_HEIGHT * to_points:
                bars.append((x, width))
    bars.sort()
    widths = []  # bar, space, bar, ...: the space before each bar, then the bar
    for (x, width), (previous_x, previous_width) in zip(bars[1:], bars, strict=False):
        if not widths:
            widths.append(previous_width)
        widths += [x - previous_x - previous_width, width]
    narrow = min(widths)
    elements = "".join("w" if width > 2 * narrow else "n" for width in widths)
    # 9 elements a character, then one narrow space between characters
    return "".join(CODE39[elements[i : i + 9]] for i in range(0, len(elements), 10))


def test_dos10_each_label_has_a_code_39_barcode_of_the_national_register_number():
    pdf = render_labels(els(), issued(), "fr")

    assert barcode_of_the_first_label(pdf) == f"*{ELS}*"
    page = PdfReader(BytesIO(pdf)).pages[0]
    drawn = page.get_contents().get_data().count(b" re f")
    assert drawn == 24 * 13 * 5  # 24 labels, 13 characters of 5 bars


@pytest.mark.parametrize(
    ("language", "sender"),
    [
        ("nl", "Peeters Els Veldstraat 12 bus 3 9000 Gent Lidnr. B-2026-000417"),
        ("fr", "Peeters Els Veldstraat 12 boîte 3 9000 Gent N° membre B-2026-000417"),
    ],
)
def test_dos10_the_return_envelope_goes_to_the_fund_with_the_member_as_sender(language, sender):
    pdf = render_envelope(els(), issued(), language)

    text = text_of(pdf)
    assert text.startswith(sender)
    assert text.endswith("Bond Moyson Oost-Vlaanderen Tramstraat 69 9052 Zwijnaarde")
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    to_mm = 25.4 / 72
    assert (round(box.width * to_mm), round(box.height * to_mm)) == (220, 110)  # DL


def test_dos10_an_address_abroad_carries_its_country_in_the_language_of_the_document():
    abroad = PostalAddress("Damrak", "1", None, "1012 LG", "Amsterdam", "NL")

    nl = text_of(render_envelope(els(address=abroad), issued(), "nl"))
    fr = text_of(render_envelope(els(address=abroad), issued(), "fr"))

    assert "Damrak 1 1012 LG Amsterdam NEDERLAND" in nl
    assert "Damrak 1 1012 LG Amsterdam PAYS-BAS" in fr


def test_dos10_the_incapacity_form_in_dutch_has_the_members_part_filled_in():
    text = text_of(render_incapacity_form(els(), issued(), "nl"))

    assert text.startswith("Bond Moyson Oost-Vlaanderen Getuigschrift")
    assert "Getuigschrift van arbeidsongeschiktheid" in text
    assert "Naam Peeters Els" in text
    assert "Rijksregisternummer 85.07.30-033.28" in text
    assert "Adres Veldstraat 12 bus 3, 9000 Gent" in text
    assert "Ziekenfonds Bond Moyson Oost-Vlaanderen" in text
    for blank in ("Begindatum", "Vermoedelijke einddatum", "mag de woning verlaten", "RIZIV"):
        assert blank in text
    assert "Naam van de arts" in text and "Handtekening" in text
    assert "adviserend arts van je ziekenfonds" in text
    assert "arbeider 14 dagen, bediende 28 dagen" in text
    assert text.endswith("Bond Moyson Oost-Vlaanderen Tramstraat 69 9052 Zwijnaarde")


def test_dos10_the_incapacity_form_in_french_fits_one_page():
    pdf = render_incapacity_form(els(), issued(), "fr")

    text = text_of(pdf)
    assert pages_of(pdf) == 1
    assert "Certificat d'incapacité de travail" in text
    assert "Numéro de registre national 85.07.30-033.28" in text
    assert "Adresse Veldstraat 12 boîte 3, 9000 Gent" in text
    assert "Mutualité Bond Moyson Oost-Vlaanderen" in text
    assert "Date de fin probable" in text and "Numéro INAMI" in text
    assert "médecin-conseil de votre mutualité" in text
    assert "ouvrier 14 jours, employé 28 jours" in text


def certificate(**overrides) -> EhicCertificate:
    values = {"member": els(), "issued": issued(), "valid_until": date(2026, 4, 4)}
    return EhicCertificate(**{**values, **overrides})


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "nl",
            (
                "Voorlopig vervangend certificaat van de Europese ziekteverzekeringskaart",
                "Lidstaat van afgifte België (BE)",
                "Naam Peeters Voornamen Els Geboortedatum 30/07/1985",
                "Persoonlijk identificatienummer 85.07.30-033.28",
                "Identificatienummer van het orgaan Bond Moyson Oost-Vlaanderen",
                "Geldigheidsduur van het certificaat van 05/01/2026 tot en met 04/04/2026",
                "Datum van afgifte 05/01/2026",
            ),
        ),
        (
            "fr",
            (
                "Certificat provisoire de remplacement de la carte européenne d'assurance",
                "État membre émetteur Belgique (BE)",
                "Nom Peeters Prénoms Els Date de naissance 30/07/1985",
                "Numéro d'identification personnel 85.07.30-033.28",
                "Numéro d'identification de l'institution Bond Moyson Oost-Vlaanderen",
                "Période de validité du certificat du 05/01/2026 au 04/04/2026 inclus",
                "Date de délivrance 05/01/2026",
            ),
        ),
    ],
)
def test_dos10_the_ehic_replacement_certificate_has_the_fields_of_the_eu_model(language, lines):
    text = text_of(render_ehic_certificate(certificate(), language))

    for line in lines:
        assert line in text


def test_dos10_the_ehic_certificate_shows_the_card_where_the_fund_knows_it():
    known = certificate(card_number="80560000000012345678", card_expiry=date(2030, 12, 31))

    text = text_of(render_ehic_certificate(known, "nl"))

    assert "Identificatienummer van de kaart 80560000000012345678" in text
    assert "Vervaldatum 31/12/2030" in text


def test_dos10_a_certificate_cannot_expire_before_it_is_issued():
    with pytest.raises(ValueError, match="expire before it is issued"):
        certificate(valid_until=date(2026, 1, 4))


def test_dos10_without_a_known_fund_the_federation_issues_and_receives():
    text = text_of(render_envelope(els(), issued(fund=None), "nl"))

    assert text.endswith(
        "Nationaal Verbond van Socialistische Mutualiteiten Sint-Jansstraat 32-38 1000 Brussel"
    )


def test_dos10_a_document_is_the_same_bytes_each_time_dated_the_day_it_is_issued():
    first = render_incapacity_form(els(), issued(), "nl")

    assert first == render_incapacity_form(els(), issued(), "nl")
    created = PdfReader(BytesIO(first)).metadata.creation_date
    assert created == datetime(2026, 1, 5, tzinfo=UTC)


def test_dos10_a_person_needs_a_national_register_number_of_11_digits():
    with pytest.raises(ValueError, match="11 digits"):
        els(national_register_number="erased")
