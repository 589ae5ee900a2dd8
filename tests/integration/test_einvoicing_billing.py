"""INV-1, INV-2, INV-7 (seeds 001, 003): a running dossier and einvoicing, on SQLite and
PostgreSQL with a real broker. A household subscribes to Neutra Confort; on the first day of the
month its cover starts, the billing run invoices it once, priced from the product sheet's
tables, with a structured communication of the month's register; the payer sees the invoice,
its lines, its PDF with the QR code and its UBL, in her inbox because she has a portal account;
another member learns nothing of it. A cover recorded after its month's run is invoiced on its
own; in a household the run invoiced already, it gets a supplementary invoice that adds to the
month's (its own lines only, the earlier invoice named on the PDF and in the UBL); a second run
of a month changes nothing."""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import func, select

from services.dossier.app import definition as dossier_service
from services.einvoicing.app import definition as einvoicing_service
from services.einvoicing.domain.premiums import InsuredPerson, shipped_premium_tables
from services.einvoicing.domain.structured_communication import StructuredCommunication
from services.einvoicing.read_model import invoices
from shared.clock import brussels_day
from shared.contracts.insurance import Product
from tests.support import dossier as facts
from tests.support.einvoicing import enrolled, insured_household, issued, staff, to_billing_day
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually
from tests.unit.test_einvoicing_documents import UBL

JAN = facts.insz(date(1990, 1, 1), 45)
MATS = facts.insz(date(2015, 3, 3), 47)


async def test_inv7_a_household_on_neutra_confort_is_invoiced_once_a_month_from_the_tables(
    new_database, kafka, signer, clock
):
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(einvoicing_service, await new_database("einvoicing"), kafka, clock) as einvoicing,
    ):
        await signer.known_by(dossier)
        household = await insured_household(dossier, einvoicing, signer, clock)
        els_booklet, els_id, period = household.booklet_id, household.els_id, household.period
        lotte_id = household.lotte_id
        jan_booklet = str(uuid.uuid4())
        jan = facts.person(JAN, first_name="Jan", last_name="Claes", birth_date=date(1990, 1, 1))
        await enrolled(signer, jan_booklet, jan)
        jan_id = await facts.person_id_in(dossier, JAN)
        await signer.announce_member(einvoicing, "jan", JAN, jan_id)
        last_month = brussels_day(clock.now())

        to_billing_day(clock, period)
        [invoice] = await eventually(lambda: issued(einvoicing, 1))
        expected = shipped_premium_tables().household_premiums(
            [
                InsuredPerson(els_id, Product.CONFORT, date(1985, 7, 30)),
                InsuredPerson(lotte_id, Product.CONFORT, date(2012, 5, 15), dependant=True),
            ],
            period.year,
        )
        assert invoice.booklet_id == els_booklet and invoice.payer_person_id == els_id
        assert invoice.period == period and invoice.issued_on == period
        assert invoice.due_on == period + timedelta(days=30)
        assert invoice.total == expected.total > 0
        assert invoice.provisional == expected.provisional
        assert invoice.electronic, "Els has a portal account: her invoices go to her inbox"
        assert invoice.number == f"{period:%y%m}000001"
        assert StructuredCommunication.parse(invoice.communication).number == invoice.number

        # Jan's request reached the fund last month but is recorded only now, after the run.
        jans = {"booklet_id": jan_booklet, "national_register_number": JAN, "product": "top"}
        await staff(
            signer, "dossier", "SubscribeToInsurance", jans | {"received_on": str(last_month)}
        )
        first, second = await eventually(lambda: issued(einvoicing, 2))
        assert second.booklet_id == jan_booklet and second.number == f"{period:%y%m}000002"
        assert not second.electronic or second.payer_person_id == jan_id

        # Els's son Mats joins her booklet and Neutra Confort; his request, too, came last month.
        mats = facts.person(MATS, first_name="Mats", birth_date=date(2015, 3, 3))
        added = {"booklet_id": els_booklet, "dependant": mats.model_dump(mode="json")}
        await staff(signer, "dossier", "AddDependant", added)
        his = {"booklet_id": els_booklet, "national_register_number": MATS, "product": "confort"}
        await staff(
            signer, "dossier", "SubscribeToInsurance", his | {"received_on": str(last_month)}
        )
        *_, supplement = await eventually(lambda: issued(einvoicing, 3))
        mats_id = await facts.person_id_in(dossier, MATS)
        assert (supplement.booklet_id, supplement.payer_person_id) == (els_booklet, els_id)
        assert supplement.supplements == invoice.number and supplement.period == period
        assert [line["person_id"] for line in supplement.lines] == [mats_id]
        assert supplement.total == sum(Decimal(line["amount"]) for line in supplement.lines) > 0

        async with client(einvoicing) as api:
            as_els = bearer(signer.token("member", "els"))
            as_jan = bearer(signer.token("member", "jan"))
            listed = await api.get(f"/persons/{els_id}/invoices?status=open", headers=as_els)
            detail = await api.get(f"/invoices/{invoice.number}", headers=as_els)
            pdf = await api.get(f"/invoices/{invoice.number}/pdf?language=nl", headers=as_els)
            ubl = await api.get(f"/invoices/{invoice.number}/ubl", headers=as_els)
            not_jans = await api.get(f"/invoices/{invoice.number}", headers=as_jan)
            adds = f"/invoices/{supplement.number}"
            supplement_pdf = await api.get(f"{adds}/pdf?language=nl", headers=as_els)
            supplement_ubl = await api.get(f"{adds}/ubl", headers=as_els)
            not_his = await api.get(f"/persons/{els_id}/invoices", headers=as_jan)

        assert [i["number"] for i in listed.json()] == [supplement.number, invoice.number]
        lines = detail.json()["lines"]
        assert {(line["person_name"], line["product_name"]) for line in lines} == {
            ("Els Peeters", "Neutra Confort"),
            ("Lotte Peeters", "Neutra Confort"),
        }
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert invoice.communication in text and "Els Peeters" in text
        assert f"{invoice.total:.2f}".replace(".", ",") in text
        root = ET.fromstring(ubl.content)
        assert root.tag.endswith("Invoice") and invoice.communication.encode() in ubl.content
        for refused in (not_jans, not_his):
            assert refused.status_code == 404
        pages = PdfReader(io.BytesIO(supplement_pdf.content)).pages
        assert f"Aanvulling op factuur {invoice.number}" in "".join(p.extract_text() for p in pages)
        reference = ET.fromstring(supplement_ubl.content).find(
            "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", UBL
        )
        assert reference is not None and reference.text == invoice.number

    # Restarted on the same month, the run and the late cover's timer find everything issued.
    async with running(einvoicing_service, einvoicing.settings.database_url, kafka, clock) as again:
        clock.advance(timedelta(hours=1))
        async with again.database.read() as conn:
            assert await conn.scalar(select(func.count()).select_from(invoices)) == 3
