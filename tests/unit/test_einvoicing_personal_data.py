"""DOS-12: einvoicing's part of a person's copy. The payer sees each invoice of their household
as it was sent (every line, the amounts, the structured communication), what paid it and from
which account, its reminders and notices; a person only insured on it sees their own line;
another person's line shows no age band. A person einvoicing never learnt of gets an empty
part (the dossier's copy still completes)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D

from services.einvoicing.domain.billing import Cover
from services.einvoicing.domain.personal_data import Held, part
from shared.contracts.einvoicing import (
    IncomingPaymentRecorded,
    InvoiceDeliveryChanged,
    InvoiceIssued,
    InvoiceLine,
    InvoiceNoticeSent,
    InvoicePaid,
    InvoicePaymentReceived,
    InvoiceReminded,
)
from shared.contracts.insurance import Product

ANNE, TOM = "p-anne", "p-tom"  # Anne pays for herself and her son Tom
ISSUED = InvoiceIssued(
    invoice_id="b-1/2026-03",
    number="2603000001",
    communication="+++260/3000/00197+++",
    booklet_id="b-1",
    payer_person_id=ANNE,
    period=date(2026, 3, 1),
    issued_on=date(2026, 3, 1),
    due_on=date(2026, 3, 31),
    lines=(
        InvoiceLine(
            person_id=ANNE,
            kind="premium",
            product=Product.CONFORT,
            amount=D("24.31"),
            basis="26-49 jaar",
        ),
        InvoiceLine(
            person_id=TOM,
            kind="premium",
            product=Product.CONFORT,
            amount=D("6.12"),
            basis="0-17 jaar",
        ),
    ),
    total=D("30.43"),
    electronic=True,
)
REMINDED = InvoiceReminded(
    invoice_id=ISSUED.invoice_id,
    number=ISSUED.number,
    booklet_id="b-1",
    payer_person_id=ANNE,
    reminder=1,
    due_on=ISSUED.due_on,
    balance=D("30.43"),
    sent_on=date(2026, 4, 15),
)
NOTICE = InvoiceNoticeSent(
    invoice_id=ISSUED.invoice_id,
    number=ISSUED.number,
    notice="issued",
    channel="email",
    sent=True,
    reason="told by email",
)
RECEIVED = InvoicePaymentReceived(
    invoice_id=ISSUED.invoice_id,
    number=ISSUED.number,
    booklet_id="b-1",
    entry_id="e-1",
    received_on=date(2026, 4, 20),
    amount=D("40.00"),
    applied=D("30.43"),
    to_refund=D("9.57"),
    balance=D("0.00"),
)
PAID = InvoicePaid(
    invoice_id=ISSUED.invoice_id,
    number=ISSUED.number,
    booklet_id="b-1",
    payer_person_id=ANNE,
    period=ISSUED.period,
    paid_on=date(2026, 4, 20),
    total=ISSUED.total,
)
CREDIT = IncomingPaymentRecorded(
    entry_id="e-1",
    statement_id="s-1",
    booked_on=date(2026, 4, 20),
    amount=D("40.00"),
    outcome="overpaid",
    invoice_number=ISSUED.number,
    matched_by="structured communication",
    reason="paid, 9.57 to refund",
    payer_name="Anne Peeters",
    payer_iban="BE68539007547034",
)
STREAM = [ISSUED, NOTICE, REMINDED, RECEIVED, PAID]
ROW = {
    "person_id": ANNE,
    "booklet_id": "b-1",
    "role": "holder",
    "birth_date": date(1990, 5, 4),
    "language": "nl",
    "regional_fund": None,
    "name": "Anne Peeters",
    "street": "Kerkstraat 1",
    "postal_code": "9000",
    "municipality": "Gent",
    "country": "BE",
    "email": "anne@example.org",
    "phone": None,
}


def test_dos12_the_payer_sees_each_invoice_as_sent_and_what_paid_it():
    shown = part(
        Held(
            person_id=ANNE,
            invoiced_as=ROW,
            covers=[Cover(ANNE, Product.CONFORT, date(2026, 3, 1))],
            delivery=[
                (
                    datetime(2026, 2, 10, 9, tzinfo=timezone.utc),
                    InvoiceDeliveryChanged(
                        person_id=ANNE,
                        electronic=True,
                        notify=True,
                        channel="email",
                        reason="portal account created: e-invoicing on (INV-1)",
                    ),
                )
            ],
            invoices=[STREAM],
            credits={"e-1": CREDIT},
        )
    )

    assert shown["invoiced_as"]["name"] == "Anne Peeters"
    assert shown["invoiced_as"]["address"] == {
        "street": "Kerkstraat 1",
        "postal_code": "9000",
        "municipality": "Gent",
        "country": "BE",
    }
    assert shown["insurances_invoiced"] == [
        {"product": "confort", "starts_on": "2026-03-01", "ends_on": None}
    ]
    [chosen] = shown["invoice_delivery"]
    assert chosen["chosen_at"].startswith("2026-02-10") and chosen["electronic"] is True
    [invoice] = shown["invoices"]
    assert (invoice["number"], invoice["you_pay_it"], invoice["total"]) == (
        "2603000001",
        True,
        "30.43",
    )
    assert (invoice["balance"], invoice["paid_on"]) == ("0.00", "2026-04-20")
    anne, tom = invoice["lines"]
    assert anne["basis"] == "26-49 jaar" and "basis" not in tom
    assert (tom["person_id"], tom["amount"]) == (TOM, "6.12")
    [payment] = invoice["payments_received"]
    assert (payment["amount"], payment["to_refund"], payment["from_account"]) == (
        "40.00",
        "9.57",
        "BE68539007547034",
    )
    assert invoice["reminders"] == [{"reminder": 1, "sent_on": "2026-04-15", "balance": "30.43"}]
    assert invoice["notices"][0]["sent"] is True


def test_dos12_a_person_insured_on_an_invoice_sees_only_their_own_line():
    shown = part(Held(person_id=TOM, invoiced_as=ROW | {"person_id": TOM}, invoices=[STREAM]))

    [invoice] = shown["invoices"]
    assert invoice["you_pay_it"] is False
    assert [line["person_id"] for line in invoice["lines"]] == [TOM]
    for payers in ("total", "payments_received", "communication", "reminders", "notices"):
        assert payers not in invoice
    assert "Anne" not in str(invoice) and "24.31" not in str(invoice)


def test_dos12_a_person_einvoicing_never_learnt_of_gets_an_empty_part():
    assert part(Held(person_id="p-unknown")) == {}
    # An invoice without a line of theirs is none of their data.
    assert part(Held(person_id="p-other", invoices=[STREAM])) == {}
