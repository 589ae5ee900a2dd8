"""A receipt (kwijtschrift / quittance) can be printed for every payment (PAY-2): a PDF in
Dutch or French whose text reads back with the fund, the amounts and dates as Belgians write
them, the masked account and every item of the care certificate (PAY-1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from services.payments.receipts import Receipt, ReceiptItem, masked_iban, render_receipt
from shared.reference import load_federation

IBAN = "BE68 5390 0754 7034"


def a_receipt(federation="liberal", fund="ml-liege-luxembourg", **overrides) -> Receipt:
    reference = load_federation(federation)
    values = dict(
        payment_id=f"PAY-{uuid.uuid4().hex[:12]}",
        value_date=date(2025, 3, 14),
        person_name="Zoë Lefèvre",
        beneficiary_name="Zoë Lefèvre",
        iban=IBAN,
        amount=Decimal("61.50"),
        items=(
            ReceiptItem(
                date(2025, 2, 3),
                "Dr. Hélène Maréchal",
                "Raadpleging huisarts (GMD)",
                Decimal("30.00"),
                Decimal("21.50"),
            ),
            ReceiptItem(
                date(2025, 2, 12),
                "Kiné Noël Verbeke",
                "Kinesitherapie, lange zitting met een omschrijving die over twee regels loopt",
                Decimal("45.00"),
                Decimal("30.00"),
            ),
            ReceiptItem(
                date(2025, 3, 1),
                "LM",
                "Plafond bereikt",
                Decimal(0),
                Decimal("10.00"),
                "maf_refund",
            ),
        ),
        federation=reference,
        fund=reference.fund(fund) if fund else None,
    )
    return Receipt(**{**values, **overrides})


def text_of(pdf: bytes) -> str:
    """The PDF's text with every run of white space (also no-break spaces) as one space."""
    pages = PdfReader(BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_pay2_the_dutch_receipt_reads_back_with_fund_amounts_dates_and_items():
    receipt = a_receipt(federation="socialist", fund="devoorzorg-antwerpen")

    text = text_of(render_receipt(receipt, "nl"))

    assert text.startswith("De VoorZorg Antwerpen Kwijtschrift")
    assert "D. Boucherystraat 17 2800 Mechelen Tel. 015 28 03 60" in text
    assert "Dit document bevestigt de betaling" in text
    assert f"Betalingsreferentie {receipt.payment_id}" in text
    assert "Valutadatum 14 maart 2025" in text
    assert "Patiënt Zoë Lefèvre" in text
    assert "Betaald bedrag € 61,50" in text and "Totaal € 61,50" in text
    assert "3 feb 2025 Dr. Hélène Maréchal Raadpleging huisarts (GMD) € 30,00 € 21,50" in text
    assert "Kiné Noël Verbeke" in text
    assert "lange zitting met een omschrijving die over twee regels loopt" in text
    assert "1 mrt 2025 LM Maximumfactuur: Plafond bereikt € 10,00" in text


def test_pay2_the_french_receipt_reads_back_with_fund_amounts_dates_and_items():
    receipt = a_receipt()

    text = text_of(render_receipt(receipt, "fr"))

    assert text.startswith("ML Liège-Luxembourg Quittance")
    assert "Rue de Hermée 177 D 4040 Herstal Tél. 0800 14 448" in text
    assert "Ce document atteste le paiement" in text
    assert f"Référence du paiement {receipt.payment_id}" in text
    assert "Date valeur 14 mars 2025" in text
    assert "Montant payé 61,50 €" in text and "Total 61,50 €" in text
    assert "3 févr. 2025 Dr. Hélène Maréchal Raadpleging huisarts (GMD) 30,00 € 21,50 €" in text
    assert "Maximum à facturer : Plafond bereikt 10,00 €" in text


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pay2_the_account_is_masked_but_for_its_last_four_characters(language):
    text = text_of(render_receipt(a_receipt(), language))

    assert "BE.. .... .... 7034" in text
    assert "5390" not in text and "0754" not in text


def test_pay2_amounts_in_thousands_as_belgians_write_them():
    item = ReceiptItem(date(2025, 1, 6), "AZ Sint-Jan", "Opname", Decimal(0), Decimal("1234.5"))
    receipt = a_receipt(amount=Decimal("1234.50"), items=(item,))

    assert "€ 1.234,50" in text_of(render_receipt(receipt, "nl"))
    assert "1 234,50 €" in text_of(render_receipt(receipt, "fr"))


def test_pay2_without_a_known_fund_the_federation_heads_the_receipt():
    text = text_of(render_receipt(a_receipt(federation="socialist", fund=None), "nl"))

    assert text.startswith("Nationaal Verbond van Socialistische Mutualiteiten Kwijtschrift")
    assert "Sint-Jansstraat 32-38 1000 Brussel" in text


def test_pay2_the_same_receipt_gives_the_same_small_pdf_dated_on_its_value_date():
    receipt = a_receipt()

    first, second = render_receipt(receipt, "fr"), render_receipt(receipt, "fr")

    assert first == second
    assert len(first) < 60_000
    created = PdfReader(BytesIO(first)).metadata.creation_date
    assert created == datetime(2025, 3, 14, tzinfo=timezone.utc)


def test_pay2_a_receipt_whose_items_do_not_add_up_to_the_payment_is_refused():
    with pytest.raises(ValueError, match="add up to 61.50, not 60"):
        a_receipt(amount=Decimal("60"))
    with pytest.raises(ValueError, match="at least one item"):
        a_receipt(items=())


def test_pay2_receipts_are_printed_in_dutch_or_french_only():
    with pytest.raises(ValueError, match="not 'de'"):
        render_receipt(a_receipt(), "de")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("iban", "shown"),
    [
        ("BE68539007547034", "BE.. .... .... 7034"),
        ("be68 5390 0754 7034", "BE.. .... .... 7034"),
        ("NL91ABNA0417164300", "NL.. .... .... ..43 00"),
    ],
)
def test_pay2_masked_iban(iban, shown):
    assert masked_iban(iban) == shown
