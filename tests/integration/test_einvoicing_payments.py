"""INV-4, INV-8, DOS-3 (seeds 000, 001, 003): a running dossier and einvoicing, on SQLite and
PostgreSQL with a real broker. An invoice not paid by its due date gets its first reminder on
the fake clock; the fund's bank statement (camt.053, read by `mutualis einvoicing
import-statement`) pays half of it by its structured communication, the rest from the same
account without one, pays it a second time (to refund), and brings a credit that matches
nothing (left for a handler, with the reason). Overdue, the household is out of order in the
dossier and may not join another insurance; paid, it is in order again, the premium shows in
the payer's financial history (PAY-1), and the invoice gets no second reminder; the same
statement imported again changes nothing. Els's copy of her data (DOS-12) tells the same story:
einvoicing's part shows the invoice, the credits that paid it, its reminder and notices."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from mutualis.bank_statements import Transfer, camt053
from mutualis.statements import import_statement
from services.dossier.app import definition as dossier_service
from services.einvoicing.app import definition as einvoicing_service
from services.einvoicing.read_model import incoming_payments, invoices
from services.monitoring.app import definition as monitoring_service
from services.payments.app import definition as payments_service
from shared.clock import BRUSSELS
from shared.contracts.privacy import PersonalDataExported
from tests.support import dossier as facts
from tests.support.einvoicing import ELS, insured_household, issued, to_billing_day
from tests.support.http import bearer, client
from tests.support.recorded import recorded
from tests.support.services import running
from tests.support.waiting import eventually

FUND_ACCOUNT = "BE48001123456727"
ELS_ACCOUNT = "BE68539007547034"
STRANGER = "BE71096123456769"


async def test_inv4_inv8_a_reminder_then_a_bank_statement_pays_the_invoice_and_reminders_stop(
    new_database, kafka, signer, clock, tmp_path: Path
):
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(einvoicing_service, await new_database("einvoicing"), kafka, clock) as einvoicing,
        running(monitoring_service, await new_database("monitoring"), kafka, clock) as monitoring,
        running(payments_service, await new_database("payments"), kafka, clock) as payments,
    ):
        await signer.known_by(dossier)
        household = await insured_household(dossier, einvoicing, signer, clock)
        to_billing_day(clock, household.period)
        [invoice] = await eventually(lambda: issued(einvoicing, 1))
        await signer.known_by(einvoicing)

        async def row(number: str):
            async with einvoicing.database.read() as conn:
                query = select(invoices).where(invoices.c.number == number)
                return (await conn.execute(query)).first()

        # INV-4: due whether or not the notice was read; 15 days after, the first reminder.
        clock.set(datetime.combine(invoice.due_on + timedelta(days=15), time(9), BRUSSELS))
        assert await eventually(lambda: _reminded(row, invoice.number, 1))

        # DOS-3: the household is out of order; nobody of it joins another insurance meanwhile.
        status = f"/persons/{household.els_id}/contribution-status"

        async def contribution(in_order: bool):
            async with client(dossier) as api:
                as_els = bearer(signer.token("member", "els"))
                shown = (await api.get(status, headers=as_els)).json()
            return shown if shown["in_order"] is in_order else None

        await signer.announce_member(dossier, "els", ELS, household.els_id)
        behind = await eventually(lambda: contribution(False))
        assert behind["overdue_since"] == str(invoice.due_on)
        assert Decimal(behind["overdue_amount"]) == invoice.total
        switch = {"booklet_id": household.booklet_id, "national_register_number": ELS}
        switch |= {"product": "top", "received_on": str(invoice.due_on + timedelta(days=15))}
        refused = await signer.send("dossier", "SubscribeToInsurance", switch, "member_services")
        assert refused.status == "rejected" and "pay the contribution" in refused.reason

        half = (invoice.total / 2).quantize(Decimal("0.01"))
        rest = invoice.total - half
        on = invoice.due_on + timedelta(days=16)
        booked = str(on)
        ours = invoice.communication
        statement = camt053(
            "STMT-1",
            FUND_ACCOUNT,
            datetime.combine(on, time(8)),
            [
                Transfer("E1", half, on, "E. Peeters", ELS_ACCOUNT, communication=ours),
                Transfer("E2", rest, on, "E. Peeters", ELS_ACCOUNT, text="premie"),
                Transfer("E3", half, on, "E. Peeters", ELS_ACCOUNT, communication=ours),
                Transfer("E4", Decimal("12.34"), on, "Onbekend", STRANGER, text="gift"),
            ],
        )
        file = tmp_path / "statement.xml"
        file.write_bytes(statement)
        sender = signer.sender("member_services")
        report = await import_statement(kafka, file, sender, clock)

        assert report.credits == 4 and report.recorded_before == 0
        assert dict(report.outcomes) == {
            "partly_paid": 1,
            "paid": 1,
            "already_paid": 1,
            "unmatched": 1,
        }
        assert {entry for _, entry, _ in report.to_handle} == {"E3", "E4"}
        paid = await eventually(lambda: _status(row, invoice.number, "paid"))
        assert paid.balance == 0 and str(paid.paid_on) == booked
        assert await eventually(lambda: contribution(True)), "the household stayed out of order"

        # Paid: the second reminder's day passes without one.
        clock.set(datetime.combine(invoice.due_on + timedelta(days=31), time(9), BRUSSELS))
        again = await import_statement(kafka, file, signer.sender("member_services"), clock)
        assert again.recorded_before == 4 and not again.outcomes

        async with client(einvoicing) as api:
            unmatched = await api.get(
                "/incoming-payments?outcome=unmatched",
                headers=bearer(signer.token("member_services")),
            )
            as_member = await api.get(
                "/incoming-payments", headers=bearer(signer.token("member", "els"))
            )
        [waiting] = unmatched.json()
        assert waiting["entry_id"] == "E4" and waiting["payer_name"] == "Onbekend"
        assert "no structured communication" in waiting["reason"]
        assert as_member.status_code == 403
        async with einvoicing.database.read() as conn:
            refunds = await conn.execute(
                select(incoming_payments.c.entry_id, incoming_payments.c.outcome).where(
                    incoming_payments.c.outcome == "already_paid"
                )
            )
            assert refunds.all() == [("E3", "already_paid")]
        assert (await row(invoice.number)).reminders == 1

        # PAY-1: the premium paid is in Els's financial history, beside what the fund paid her.
        await signer.announce_member(payments, "els", ELS, household.els_id)

        async def premium_in_history():
            async with client(payments) as api:
                shown = await api.get(
                    "/history?kind=premium", headers=bearer(signer.token("member", "els"))
                )
            return shown.json()["lines"] or None

        [premium] = await eventually(premium_in_history)
        assert Decimal(premium["amount"]) == invoice.total and premium["paid_to"] == "fund"
        assert premium["status"] == "paid" and invoice.number in premium["description"]

        # INV-8: the second half paid twice is refunded to the holder by the payment run.
        async def refund_in_history():
            async with client(payments) as api:
                shown = await api.get(
                    "/history?kind=premium_refund", headers=bearer(signer.token("member", "els"))
                )
            return shown.json()["lines"] or None

        [refund] = await eventually(refund_in_history)
        assert Decimal(refund["amount"]) == half and refund["status"] in ("due", "held")

        # Monitoring sees the month's invoice paid and the credit left for a handler.
        await signer.known_by(monitoring)

        async def figures():
            async with client(monitoring) as api:
                shown = await api.get("/invoices", headers=bearer(signer.token("admin")))
            found = shown.json()
            return found if found.get("unmatched_credits") and found["months"] else None

        seen = await eventually(figures)
        assert seen["months"][0]["issued"] >= 1 and seen["months"][-1]["paid"] == 1
        assert seen["unmatched_credits"] == 1 and Decimal(seen["unmatched_amount"]) == Decimal(
            "12.34"
        )

        # DOS-12: Els asks for a copy of her data; einvoicing's part tells this whole story.
        await facts.record_copy_request(dossier, str(uuid.uuid4()), household.els_id)

        async def einvoicing_part():
            made = await recorded(einvoicing, PersonalDataExported.type_name)
            return made[0].payload["part"] if made else None

        part = await eventually(einvoicing_part)
        # The next month's invoice is in her part too, still open.
        [theirs] = [i for i in part["invoices"] if i["number"] == invoice.number]
        assert (theirs["number"], theirs["you_pay_it"], theirs["paid_on"]) == (
            invoice.number,
            True,
            booked,
        )
        received = [p["amount"] for p in theirs["payments_received"]]
        assert received == [str(half), str(rest), str(half)]
        assert {p["from_account"] for p in theirs["payments_received"]} == {ELS_ACCOUNT}
        assert [r["reminder"] for r in theirs["reminders"]] == [1]
        assert [n["notice"] for n in theirs["notices"]] == ["issued", "reminder-1"]
        assert {line["person_id"] for line in theirs["lines"]} == {
            household.els_id,
            household.lotte_id,
        }
        assert [c["product"] for c in part["insurances_invoiced"]] == ["confort"]
        assert "Onbekend" not in str(part) and STRANGER not in str(part)


async def _reminded(row, number: str, count: int):
    found = await row(number)
    return found if found.reminders >= count else None


async def _status(row, number: str, status: str):
    found = await row(number)
    return found if found.status == status else None
