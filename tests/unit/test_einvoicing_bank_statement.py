"""Incoming payments (INV-8): the bank's camt.053 statement is read for its booked credits,
and each credit is matched to an invoice by its Belgian structured communication, or else by
amount and the payer's account, or left for a handler with the reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.einvoicing.domain.bank_statement import (
    Credit,
    MalformedStatement,
    read_camt053,
    read_camt053_statements,
)
from services.einvoicing.domain.payment_matching import (
    OpenInvoice,
    euro,
    match_credit,
    match_statement,
)
from services.einvoicing.domain.structured_communication import StructuredCommunication

D = Decimal
SAMPLE = Path(__file__).parents[1] / "fixtures" / "camt053-sample.xml"
OGM_123 = StructuredCommunication.from_number("2025000123")  # +++202/5000/12390+++
OGM_124 = StructuredCommunication.from_number("2025000124")  # +++202/5000/12491+++
ZOE, PIETER, MARIE = "BE79001657432633", "BE09734123456757", "BE62068248013061"


# --- Building statements --------------------------------------------------------------------


def a_statement(*entries: str, version: str = "08", stmt_id: str = "STMT-1") -> bytes:
    """A camt.053 file around the given entries, in the given version's namespace."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-12T06:30:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{stmt_id}</Id>
      <Acct><Id><IBAN>BE21 0012 3456 7803</IBAN></Id></Acct>
      {"".join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def an_entry(
    amount: str = "31.20",
    *,
    ccy: str = "EUR",
    indicator: str = "CRDT",
    status: str = "<Sts><Cd>BOOK</Cd></Sts>",
    booked: str = "2025-03-11",
    refs: str = "",
    details: str = "",
) -> str:
    return f"""<Ntry>{refs}<Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>
      {status}<BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><DtTm>2025-03-11T10:00:00</DtTm></ValDt>
      <NtryDtls><TxDtls>{details}</TxDtls></NtryDtls></Ntry>"""


def paid_from(iban: str, name: str = "Zoë Lefèvre") -> str:
    return (
        f"<RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>"
    )


def with_text(text: str) -> str:
    return f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>"


def only_credit(data: bytes) -> Credit:
    (credit,) = read_camt053(data).credits
    return credit


# --- Reading the statement ------------------------------------------------------------------


def test_inv8_reads_every_field_of_the_sample_statement():
    statement = read_camt053(SAMPLE.read_bytes())

    assert statement.id == "BE21001234567803-2025-061"
    assert statement.account_iban == "BE21001234567803"
    structured, typed, bare = statement.credits

    assert structured == Credit(
        entry_id="GEBA250311CT0000417",
        position=1,
        booking_date=date(2025, 3, 11),
        value_date=date(2025, 3, 11),
        amount=D("31.20"),
        payer_name="Zoë Lefèvre",
        payer_iban=ZOE,
        creditor_reference="202500012390",
        remittance_text=None,
        communication=OGM_123,
        communication_source="structured reference",
    )
    assert typed == Credit(
        entry_id="GEBA250311CT0000418",
        position=2,
        booking_date=date(2025, 3, 11),
        value_date=date(2025, 3, 10),
        amount=D("18.70"),
        payer_name="JANSSENS PIETER",
        payer_iban=PIETER,
        creditor_reference=None,
        remittance_text="premie hospitalisatie maart +++202/5000/12491+++",
        communication=OGM_124,
        communication_source="free text",
    )
    # No AcctSvcrRef: the NtryRef, which banks number per statement, under the statement id.
    assert bare.entry_id == "BE21001234567803-2025-061/3"
    assert (bare.amount, bare.payer_name, bare.payer_iban) == (D("45.00"), "Marie Dubois", MARIE)
    assert (bare.communication, bare.remittance_text) == (None, "mutuelle cotisation mars")

    # The dollar credit is reported, not converted; the refund paid out is a debit, counted.
    (dollars,) = statement.rejected
    assert (dollars.position, dollars.reference) == (4, "GEBA250311FX0000009")
    assert "50.00 USD" in dollars.reason and "only euro" in dollars.reason
    assert (statement.debits_skipped, statement.not_booked_skipped) == (1, 0)


def test_inv8_importing_the_same_file_twice_gives_the_same_entry_ids():
    no_reference = an_entry("10.00")
    data = a_statement(no_reference, an_entry("11.00", refs="<NtryRef>7</NtryRef>"), no_reference)

    first, again = read_camt053(data), read_camt053(data)

    ids = [credit.entry_id for credit in first.credits]
    assert ids == ["STMT-1#1", "STMT-1/7", "STMT-1#3"]  # from the statement id and position
    assert [credit.entry_id for credit in again.credits] == ids
    sample_ids = [c.entry_id for c in read_camt053(SAMPLE.read_bytes()).credits]
    assert sample_ids == [c.entry_id for c in read_camt053(SAMPLE.read_bytes()).credits]


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (b"", "empty"),
        (b"<Document><BkToCstmrStmt>", "not well-formed XML"),
        (b"%PDF-1.7 not a statement", "not well-formed XML"),
        (
            (
                b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02">'
                b"<BkToCstmrAcctRpt/></Document>"
            ),
            "a camt.052 message",
        ),
        (b"<Document><CstmrCdtTrfInitn/></Document>", "Document/CstmrCdtTrfInitn"),
        (b"<Document><BkToCstmrStmt><GrpHdr/></BkToCstmrStmt></Document>", "no statement"),
        (
            b"<Document><BkToCstmrStmt><Stmt><Acct/></Stmt></BkToCstmrStmt></Document>",
            "statement 1 has no Id",
        ),
        (a_statement().replace(b"BE21 0012 3456 7803", b""), "no account IBAN"),
        (a_statement().replace(b"7803", b"7804"), "account IBAN BE21"),
        (a_statement(version="01"), "versions camt.053.001.02 and later"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>',
            "refused",
        ),
    ],
)
def test_inv8_a_malformed_file_raises_naming_what_is_wrong(data, complaint):
    with pytest.raises(MalformedStatement, match=complaint):
        read_camt053(data)


def test_inv8_a_file_of_several_statements_is_read_whole_or_refused_by_the_one_reader():
    second = b"<Stmt><Id>B</Id><Acct><Id><IBAN>BE21001234567803</IBAN></Id></Acct></Stmt>"
    two = a_statement(an_entry(), stmt_id="A").replace(b"</Stmt>", b"</Stmt>" + second)

    assert [s.id for s in read_camt053_statements(two)] == ["A", "B"]
    with pytest.raises(MalformedStatement, match=r"2 statements \(A, B\)"):
        read_camt053(two)


def test_inv8_a_bad_entry_is_rejected_with_its_position_and_the_others_are_read():
    data = a_statement(
        an_entry("10.00"),
        an_entry("12,50", refs="<AcctSvcrRef>REF-2</AcctSvcrRef>"),
        an_entry("13.00", booked="2025-02-30"),
        an_entry("14.00", indicator="CRED"),
        an_entry("15.001"),
        an_entry("16.00", status=""),
        an_entry("17.00", refs="<RvslInd>true</RvslInd>"),
        an_entry("18.00"),
    )

    statement = read_camt053(data)

    assert [credit.amount for credit in statement.credits] == [D("10.00"), D("18.00")]
    assert [(r.position, r.reference) for r in statement.rejected] == [
        (2, "REF-2"),
        (3, "STMT-1#3"),
        (4, "STMT-1#4"),
        (5, "STMT-1#5"),
        (6, "STMT-1#6"),
        (7, "STMT-1#7"),
    ]
    reasons = [r.reason for r in statement.rejected]
    assert "amount '12,50' is no decimal number like 31.20" in reasons[0]
    assert "booking date '2025-02-30' is no date" in reasons[1]
    assert "credit/debit indicator 'CRED'" in reasons[2]
    assert "whole cents" in reasons[3]
    assert "no status" in reasons[4]
    assert "reversal" in reasons[5]


def test_inv8_debits_and_entries_not_yet_booked_are_skipped_and_counted():
    statement = read_camt053(
        a_statement(
            an_entry(indicator="DBIT"),
            an_entry(status="<Sts><Cd>PDNG</Cd></Sts>"),
            an_entry("9.99", status="<Sts>BOOK</Sts>"),  # camt.053.001.02 writes the bare code
        )
    )

    assert [credit.amount for credit in statement.credits] == [D("9.99")]
    assert (statement.debits_skipped, statement.not_booked_skipped) == (1, 1)


def test_inv8_later_versions_are_read_by_local_names():
    credit = only_credit(
        a_statement(an_entry(details=paid_from("be79 0016 5743 2633")), version="08")
    )

    assert (credit.payer_name, credit.payer_iban) == ("Zoë Lefèvre", ZOE)
    assert credit.value_date == date(2025, 3, 11)  # from ValDt/DtTm


def test_inv8_a_batch_entry_is_one_credit_per_transaction():
    def transaction(amount: str, ogm: StructuredCommunication) -> str:
        return f"<TxDtls><Amt Ccy='EUR'>{amount}</Amt>{with_text(str(ogm))}</TxDtls>"

    batch = an_entry("49.90", refs="<AcctSvcrRef>BATCH-9</AcctSvcrRef>").replace(
        "<TxDtls></TxDtls>", transaction("31.20", OGM_123) + transaction("18.70", OGM_124)
    )
    wrong = batch.replace("49.90", "50.00").replace("BATCH-9", "BATCH-10")

    statement = read_camt053(a_statement(batch, wrong))

    assert [(c.entry_id, c.amount, c.communication) for c in statement.credits] == [
        ("BATCH-9/1", D("31.20"), OGM_123),
        ("BATCH-9/2", D("18.70"), OGM_124),
    ]
    (rejected,) = statement.rejected
    assert rejected.reference == "BATCH-10" and "do not add up to 50.00" in rejected.reason


@pytest.mark.parametrize(
    "text",
    [
        "premie maart +++202/5000/12390+++",
        "***202/5000/12390*** Lefèvre",
        "mededeling 202500012390",
        "202 5000 12390 premie",
        "Factuur 2025000123 +++ 202 / 5000 / 12390 +++",
    ],
)
def test_inv8_an_ogm_typed_in_the_free_text_is_found(text):
    credit = only_credit(a_statement(an_entry(details=with_text(text))))

    assert credit.communication == OGM_123
    assert credit.communication_source == "free text"
    assert credit.remittance_text == text


def test_inv8_what_is_no_valid_ogm_in_the_free_text_is_a_remark_not_a_communication():
    corrupted = only_credit(a_statement(an_entry(details=with_text("+++202/5000/12391+++"))))
    iban_only = only_credit(a_statement(an_entry(details=with_text("van BE79 0016 5743 2633"))))
    two = only_credit(a_statement(an_entry(details=with_text(f"{OGM_123} en {OGM_124}"))))

    assert corrupted.communication is None
    assert corrupted.remarks == (
        "the text holds +++202/5000/12391+++, whose check digits do not match",
    )
    assert (iban_only.communication, iban_only.remarks) == (None, ())
    assert two.communication is None
    assert two.remarks == (f"the text names 2 structured communications ({OGM_123}, {OGM_124})",)


def test_inv8_a_structured_reference_is_an_ogm_when_bba_issues_it_or_it_validates_as_one():
    def reference(ref: str, issuer: str = "") -> str:
        issued = f"<Tp><Issr>{issuer}</Issr></Tp>" if issuer else ""
        return f"<RmtInf><Strd><CdtrRefInf>{issued}<Ref>{ref}</Ref></CdtrRefInf></Strd></RmtInf>"

    no_issuer = only_credit(a_statement(an_entry(details=reference("202500012390"))))
    wrong_bba = only_credit(a_statement(an_entry(details=reference("202500012391", "BBA"))))
    iso_rf = only_credit(a_statement(an_entry(details=reference("RF18539007547034", "ISO"))))

    assert no_issuer.communication == OGM_123
    assert no_issuer.communication_source == "structured reference"
    assert (wrong_bba.communication, wrong_bba.creditor_reference) == (None, "202500012391")
    assert wrong_bba.remarks == (
        "the structured reference '202500012391' is invalid: the check digits do not match",
    )
    assert (iso_rf.communication, iso_rf.creditor_reference, iso_rf.remarks) == (
        None,
        "RF18539007547034",
        (),
    )


# --- Matching credits to invoices -----------------------------------------------------------


def an_invoice(number: str = "2025000123", due: str = "31.20", **overrides) -> OpenInvoice:
    values = {
        "invoice_id": f"inv-{number}",
        "number": number,
        "communication": StructuredCommunication.from_number(number),
        "household": "HH-0042",
        "amount_due": D(due),
        "known_ibans": frozenset({ZOE}),
    }
    return OpenInvoice(**{**values, **overrides})


def a_credit(amount: str = "31.20", communication=OGM_123, **overrides) -> Credit:
    values = {
        "entry_id": "REF-1",
        "position": 1,
        "booking_date": date(2025, 3, 11),
        "value_date": date(2025, 3, 11),
        "amount": D(amount),
        "payer_name": "Zoë Lefèvre",
        "payer_iban": ZOE,
        "creditor_reference": communication.digits if communication else None,
        "remittance_text": None,
        "communication": communication,
        "communication_source": "structured reference" if communication else None,
    }
    return Credit(**{**values, **overrides})


def test_inv8_an_exact_payment_by_structured_communication_pays_the_invoice():
    match = match_credit(a_credit("31.20"), [an_invoice("2025000124"), an_invoice()])

    assert match.outcome == "paid"
    assert match.invoice_id == "inv-2025000123"
    assert (match.amount_applied, match.amount_to_refund, match.new_balance) == (
        D("31.20"),
        D("0.00"),
        D("0.00"),
    )
    assert match.matched_by == "structured communication"
    assert match.reason == "communication +++202/5000/12390+++: invoice 2025000123 paid"


def test_inv8_a_partial_payment_leaves_a_balance_due():
    match = match_credit(a_credit("20.00"), [an_invoice()])

    assert match.outcome == "partly_paid"
    assert (match.amount_applied, match.amount_to_refund, match.new_balance) == (
        D("20.00"),
        D("0.00"),
        D("11.20"),
    )
    assert "11,20 € of 31,20 € still due" in match.reason


def test_inv8_an_overpayment_pays_the_invoice_and_the_surplus_is_to_refund():
    match = match_credit(a_credit("40.00"), [an_invoice()])

    assert match.outcome == "overpaid"
    assert (match.amount_applied, match.amount_to_refund, match.new_balance) == (
        D("31.20"),
        D("8.80"),
        D("0.00"),
    )
    assert "8,80 € paid too much, to refund" in match.reason


def test_inv8_a_double_payment_the_second_credit_is_refunded_whole():
    first, second = a_credit(entry_id="REF-1"), a_credit(entry_id="REF-2")

    matches = match_statement([first, second], [an_invoice()])

    assert [m.outcome for m in matches] == ["paid", "already_paid"]
    assert matches[1].invoice_id == "inv-2025000123"
    assert (matches[1].amount_applied, matches[1].amount_to_refund) == (D("0.00"), D("31.20"))
    assert matches[1].reason.endswith("invoice 2025000123 was already paid, 31,20 € to refund")


def test_inv8_two_partial_payments_see_each_other_in_one_statement():
    matches = match_statement(
        [a_credit("20.00", entry_id="A"), a_credit("20.00", entry_id="B")], [an_invoice()]
    )

    assert [(m.outcome, m.new_balance, m.amount_to_refund) for m in matches] == [
        ("partly_paid", D("11.20"), D("0.00")),
        ("overpaid", D("0.00"), D("8.80")),
    ]


def test_inv8_without_communication_the_amount_and_a_known_payer_account_match():
    invoices = [an_invoice(), an_invoice("2025000124", due="18.70")]

    match = match_credit(a_credit("18.70", communication=None), invoices)

    assert (match.outcome, match.invoice_id) == ("paid", "inv-2025000124")
    assert match.matched_by == "amount and payer account"
    assert match.reason == (
        "no structured communication; the one open invoice of 18,70 € for this payer: "
        "invoice 2025000124 paid"
    )


def test_inv8_an_account_that_paid_by_communication_is_known_for_the_rest_of_the_statement():
    invoices = [an_invoice(known_ibans=frozenset()), an_invoice("2025000124", due="18.70")]
    with_ogm = a_credit(entry_id="A", payer_iban=PIETER)
    without = a_credit("18.70", communication=None, entry_id="B", payer_iban=PIETER)

    alone = match_credit(without, invoices)
    matches = match_statement([with_ogm, without], invoices)

    assert alone.outcome == "unmatched"
    assert f"payer account {PIETER} is not known for any household" in alone.reason
    assert [(m.outcome, m.matched_by) for m in matches] == [
        ("paid", "structured communication"),
        ("paid", "amount and payer account"),
    ]


def test_inv8_two_open_invoices_of_the_same_amount_for_the_payer_are_not_guessed():
    invoices = [an_invoice(), an_invoice("2025000124")]

    match = match_credit(a_credit("31.20", communication=None), invoices)

    assert (match.outcome, match.invoice_id, match.matched_by) == ("unmatched", None, None)
    assert (match.amount_applied, match.amount_to_refund, match.new_balance) == (
        D("0.00"),
        D("0.00"),
        None,
    )
    assert match.reason == (
        "no structured communication and 2 open invoices of 31,20 € for this payer "
        "(2025000123, 2025000124): not guessed"
    )


def test_inv8_a_credit_without_reference_and_no_invoice_of_its_amount_is_unmatched():
    match = match_credit(a_credit("45.00", communication=None), [an_invoice()])

    assert match.outcome == "unmatched"
    assert match.reason == (
        "no structured communication and no open invoice of 45,00 € for this payer"
    )


def test_inv8_a_valid_ogm_that_is_no_invoice_of_ours_is_unmatched():
    foreign = StructuredCommunication.from_number("9900001234")

    match = match_credit(a_credit("12.34", communication=foreign), [an_invoice()])

    assert match.outcome == "unmatched"
    assert match.reason == (
        f"communication {foreign} is no invoice of ours "
        "and no open invoice of 12,34 € for this payer"
    )


def test_inv8_a_one_digit_corrupted_ogm_in_the_free_text_is_no_match_by_communication():
    text = "premie +++202/5000/12391+++"  # the last digit of +++202/5000/12390+++ mistyped
    credit = only_credit(a_statement(an_entry("31.20", details=with_text(text))))
    unknown_payer = replace(credit, payer_iban=MARIE)
    known_payer = replace(credit, payer_iban=ZOE)

    by_nothing = match_credit(unknown_payer, [an_invoice()])
    by_account = match_credit(known_payer, [an_invoice()])

    assert by_nothing.outcome == "unmatched"
    assert by_nothing.reason == (
        "no structured communication (the text holds +++202/5000/12391+++, whose check digits "
        f"do not match) and payer account {MARIE} is not known for any household"
    )
    assert (by_account.outcome, by_account.matched_by) == ("paid", "amount and payer account")


def test_inv8_the_sample_statement_matched_against_the_open_invoices():
    statement = read_camt053(SAMPLE.read_bytes())
    invoices = [
        an_invoice(),
        an_invoice("2025000124", due="18.70", household="HH-0077", known_ibans=frozenset()),
    ]

    matches = match_statement(statement.credits, invoices)

    assert [(m.entry_id, m.outcome, m.invoice_id, m.matched_by) for m in matches] == [
        ("GEBA250311CT0000417", "paid", "inv-2025000123", "structured communication"),
        ("GEBA250311CT0000418", "paid", "inv-2025000124", "structured communication"),
        ("BE21001234567803-2025-061/3", "unmatched", None, None),
    ]
    assert f"payer account {MARIE} is not known" in matches[2].reason


def test_inv8_amounts_are_told_as_a_belgian_reads_them():
    assert euro(D("31.2")) == "31,20 €"
    assert euro(D("1234.5")) == "1.234,50 €"


def test_inv8_an_open_invoice_holds_a_balance_and_known_accounts_in_electronic_form():
    invoice = an_invoice(known_ibans=frozenset({"be79 0016 5743 2633"}))

    assert invoice.known_ibans == frozenset({ZOE})
    with pytest.raises(ValueError, match="balance"):
        an_invoice(due="-1.00")
