"""Payouts go to the member's bank account in a SEPA credit-transfer file (pain.001) that the
bank takes: valid against the XSD, counted and summed right, the same for the same input, and
a payment in it once (PAY-6)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone
from importlib import resources

import pytest
import xmlschema

from services.payments import sepa
from services.payments.sepa import PAIN_001, Debtor, Transfer, credit_transfer_file, summary

FUND = Debtor("Landsbond van Liberale Mutualiteiten", "BE71 0961 2345 6769", "GKCCBEBB")
CREATED = datetime(2025, 3, 14, 8, 30, tzinfo=timezone.utc)  # 09:30 in Brussels
NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{PAIN_001}"}


def a_transfer(**overrides) -> Transfer:
    values = dict(
        end_to_end_id=f"PAY-{uuid.uuid4().hex[:12]}",
        creditor_name="Els Peeters",
        iban="BE68 5390 0754 7034",
        bic=None,
        amount_cents=2150,
        remittance="Terugbetaling geneeskundige verzorging",
    )
    return Transfer(**{**values, **overrides})


def a_file(transfers, message_id="MUT-20250314-001") -> bytes:
    return credit_transfer_file(
        message_id=message_id,
        created_at=CREATED,
        debtor=FUND,
        execution_date=date(2025, 3, 17),
        transfers=transfers,
    )


def bundled_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(resources.files("sepaxml") / "schemas" / f"{PAIN_001}.xsd"))


def test_pay6_the_file_validates_against_the_bundled_xsd_and_counts_and_sums_its_transfers():
    transfers = [
        a_transfer(amount_cents=2150),
        a_transfer(amount_cents=1, iban="NL91ABNA0417164300", bic="ABNANL2A"),
        a_transfer(amount_cents=123_456_78),
    ]

    xml = a_file(transfers)

    bundled_schema().validate(xml)
    assert summary(xml) == (3, 2150 + 1 + 123_456_78)
    document = ET.fromstring(xml)
    assert document.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "123478.29"
    batch = document.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert batch.findtext("p:ReqdExctnDt/p:Dt", namespaces=NS) == "2025-03-17"
    assert batch.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "BE71096123456769"
    assert batch.findtext("p:PmtTpInf/p:SvcLvl/p:Cd", namespaces=NS) == "SEPA"
    ids = [e.text for e in batch.iterfind("p:CdtTrfTxInf/p:PmtId/p:EndToEndId", NS)]
    assert ids == [t.end_to_end_id for t in transfers]


def test_pay6_the_same_input_gives_the_same_bytes_with_the_given_id_and_creation_time():
    transfers = [a_transfer(), a_transfer(bic="GKCCBEBB")]

    first = a_file(transfers)
    second = a_file(transfers)

    assert first == second
    header = ET.fromstring(first).find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:MsgId", namespaces=NS) == "MUT-20250314-001"
    assert header.findtext("p:CreDtTm", namespaces=NS) == "2025-03-14T09:30:00"
    assert b"<PmtInfId>MUT-20250314-001</PmtInfId>" in first


def test_pay6_accented_names_and_remittance_are_transliterated_into_the_sepa_set():
    transfers = [
        a_transfer(creditor_name="Zoë Dubois-Lefèvre & Fils", remittance="Remboursé: 21,50 €"),
        a_transfer(creditor_name="Jürgen Weiß", remittance="Øresund «maximumfactuur»"),
    ]

    xml = a_file(transfers)

    bundled_schema().validate(xml)
    assert b"<Nm>Zoe Dubois-Lefevre Fils</Nm>" in xml
    assert b"<Ustrd>Rembourse: 21,50 EUR</Ustrd>" in xml
    assert b"<Nm>Jurgen Weiss</Nm>" in xml
    assert b"<Ustrd>Oresund maximumfactuur</Ustrd>" in xml


def test_pay6_a_long_name_is_cut_at_70_characters():
    xml = a_file([a_transfer(creditor_name="Élise " + "Van den Bossche-De Smet " * 4)])

    name = ET.fromstring(xml).find(".//p:Cdtr/p:Nm", NS).text
    assert len(name) == 70 and name.startswith("Elise Van den Bossche")


@pytest.mark.parametrize(
    ("transfers", "reason"),
    [
        ([], "at least one transfer"),
        ([a_transfer(amount_cents=0)], "not payable"),
        ([a_transfer(amount_cents=-100)], "not payable"),
        ([a_transfer(amount_cents=True)], "whole number of cents"),
        ([a_transfer(end_to_end_id="PAY-1"), a_transfer(end_to_end_id="PAY-1")], "twice"),
        ([a_transfer(end_to_end_id="X" * 36)], "1 to 35 characters"),
        ([a_transfer(end_to_end_id="/PAY-1")], "starting or ending with '/'"),
        ([a_transfer(remittance="x" * 141)], "exceeds 140"),
        ([a_transfer(iban="BE68 5390 0754 7035")], "IBAN"),
        ([a_transfer(bic="NOTABIC")], "BIC"),
    ],
)
def test_pay6_what_the_bank_would_refuse_is_refused_with_a_reason(transfers, reason):
    with pytest.raises(ValueError, match=reason):
        a_file(transfers)


def test_pay6_a_naive_creation_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        credit_transfer_file(
            message_id="MUT-1",
            created_at=datetime(2025, 3, 14, 9, 30),
            debtor=FUND,
            execution_date=date(2025, 3, 17),
            transfers=[a_transfer()],
        )


def test_pay6_the_file_is_checked_against_the_xsd(monkeypatch):
    # Let a malformed BIC past our own check: the schema check stops it, and says where.
    monkeypatch.setattr(sepa, "normalize_bic", lambda value: value)

    with pytest.raises(ValueError, match="does not validate .*BIC"):
        a_file([a_transfer(bic="bad bic")])


def test_pay6_summary_refuses_a_header_that_disagrees_with_the_transfers():
    xml = a_file([a_transfer(), a_transfer()])
    tampered = xml.replace(b"<NbOfTxs>2</NbOfTxs>", b"<NbOfTxs>3</NbOfTxs>", 1)

    with pytest.raises(ValueError, match="states 3 transfers"):
        summary(tampered)


def test_pay6_a_file_of_ten_thousand_transfers():
    transfers = [
        a_transfer(end_to_end_id=f"PAY-{n:08d}", creditor_name=f"Lid nr {n} Noël", amount_cents=n)
        for n in range(1, 10_001)
    ]

    xml = a_file(transfers)

    assert summary(xml) == (10_000, 10_000 * 10_001 // 2)
