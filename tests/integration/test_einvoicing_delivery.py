"""INV-1, INV-3, INV-4 (seed 001): a running dossier and einvoicing, on SQLite and PostgreSQL with
a real broker and a real SMTP server (aiosmtpd). E-invoicing is on from the moment Els's portal
account exists; her invoice's notice goes by e-mail to the address in her dossier, with no
amount and no link; she switches notices off, and her reminder is recorded without a mail; she
switches e-invoicing off (paper again). Another member can neither read nor change her
choices."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from services.dossier.app import definition as dossier_service
from services.einvoicing import notices
from services.einvoicing.app import definition as einvoicing_service
from services.einvoicing.config import einvoicing_settings
from shared.clock import BRUSSELS
from shared.eventstore.schema import events as stored_events
from tests.support.einvoicing import ELS, insured_household, issued, staff, to_billing_day
from tests.support.http import bearer, client
from tests.support.mailbox import mail_server
from tests.support.services import running
from tests.support.waiting import eventually

ELS_MAIL = "els.peeters@example.be"


@pytest.fixture
def mailbox(monkeypatch):
    with mail_server() as (box, port):
        monkeypatch.setenv("EINVOICING_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("EINVOICING_SMTP_PORT", str(port))
        einvoicing_settings.cache_clear()
        notices.senders.cache_clear()
        yield box
    einvoicing_settings.cache_clear()
    notices.senders.cache_clear()


async def noticed(einvoicing, number: str, count: int) -> list[dict]:
    async with einvoicing.database.read() as conn:
        rows = await conn.scalars(
            select(stored_events.c.payload)
            .where(stored_events.c.type == "InvoiceNoticeSent")
            .order_by(stored_events.c.position)
        )
        found = [row if isinstance(row, dict) else json.loads(row) for row in rows]
        found = [notice for notice in found if notice["number"] == number]
    return found if len(found) >= count else []


async def test_inv1_inv3_the_invoice_notice_goes_by_mail_without_amount_then_off_then_paper(
    new_database, kafka, signer, clock, mailbox
):
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(einvoicing_service, await new_database("einvoicing"), kafka, clock) as einvoicing,
    ):
        await signer.known_by(dossier)
        await signer.known_by(einvoicing)
        household = await insured_household(dossier, einvoicing, signer, clock)
        contact = {"booklet_id": household.booklet_id, "national_register_number": ELS}
        await staff(signer, "dossier", "ChangeContactDetails", contact | {"email": ELS_MAIL})
        to_billing_day(clock, household.period)
        [invoice] = await eventually(lambda: issued(einvoicing, 1))
        assert invoice.electronic

        async def mails() -> list:
            return mailbox.to(ELS_MAIL)

        assert await eventually(mails), "no notice came"
        [mail] = mailbox.to(ELS_MAIL)
        body = mail.get_content()
        assert mail["Subject"] == "Nieuwe factuur in je inbox"
        assert "inbox" in body and "http" not in body
        euros = f"{invoice.total:.2f}".replace(".", ",")
        assert euros not in body and str(invoice.total) not in body  # ID-10: no amount

        as_els = bearer(signer.token("member", "els"))
        await signer.announce_member(einvoicing, "jan", "85073003345", "p-jan")
        as_jan = bearer(signer.token("member", "jan"))
        path = f"/persons/{household.els_id}/invoice-delivery"
        async with client(einvoicing) as api:
            before = await api.get(path, headers=as_els)
            quiet = await api.put(path, json={"notify": False}, headers=as_els)
            nothing = await api.put(path, json={"notify": False}, headers=as_els)
            jans_look = await api.get(path, headers=as_jan)
            jans_try = await api.put(path, json={"electronic": False}, headers=as_jan)
        assert before.json() == {
            "electronic": True,
            "notify": True,
            "channel": "email",
            "email": None,
            "phone": None,
        }
        assert quiet.status_code == 204, quiet.text
        assert nothing.status_code == 409 and "nothing to change" in nothing.json()["detail"]
        assert jans_look.status_code == 404 and jans_try.status_code == 404

        # INV-4: due whatever the notice; the reminder is recorded, the mail stays unsent.
        clock.set(datetime.combine(invoice.due_on + timedelta(days=15), time(9), BRUSSELS))
        # The next month's invoice is issued meanwhile, and told of no more either.
        first, reminder = await eventually(lambda: noticed(einvoicing, invoice.number, 2))
        assert first["notice"] == "issued" and first["sent"] and first["channel"] == "email"
        assert reminder["notice"] == "reminder-1" and not reminder["sent"]
        assert reminder["reason"] == "the payer switched notices off"
        assert len(mailbox.to(ELS_MAIL)) == 1

        as_els = bearer(signer.token("member", "els"))  # a month on: a new session
        async with client(einvoicing) as api:
            paper = await api.put(path, json={"electronic": False}, headers=as_els)

            async def on_paper():
                shown = await api.get(path, headers=as_els)
                return shown if not shown.json()["electronic"] else None

            assert paper.status_code == 204 and await eventually(on_paper)
