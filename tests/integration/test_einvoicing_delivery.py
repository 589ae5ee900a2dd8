"""INV-1, INV-3, INV-4 (seed 001): a running dossier and einvoicing, on SQLite and PostgreSQL with
a real broker, a real SMTP server (aiosmtpd) and a real HTTP SMS gateway. E-invoicing is on from
the moment Els's portal account exists; her invoice's notice goes by e-mail to the address in
her dossier, with no amount and no link; she chooses text messages, and her first reminder is
texted to her phone, no amount and no link either; she switches notices off, and her second
reminder is recorded without a message; she switches e-invoicing off (paper again). Another
member can neither read nor change her choices."""

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
from tests.support.sms_gateway import sms_gateway
from tests.support.waiting import eventually

ELS_MAIL = "els.peeters@example.be"
ELS_PHONE = "+32470123456"


@pytest.fixture
def texts(monkeypatch, tmp_path):
    with sms_gateway(tmp_path / "sms.token") as (gateway, url):
        monkeypatch.setenv("EINVOICING_SMS_GATEWAY_URL", url)
        monkeypatch.setenv("EINVOICING_SMS_GATEWAY_TOKEN_FILE", str(tmp_path / "sms.token"))
        yield gateway


@pytest.fixture
def mailbox(monkeypatch, texts):
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


async def test_inv1_inv3_the_notice_goes_by_mail_then_by_text_without_amount_then_off_then_paper(
    new_database, kafka, signer, clock, mailbox, texts
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
        by_text = {"channel": "sms", "phone": ELS_PHONE}
        async with client(einvoicing) as api:
            before = await api.get(path, headers=as_els)
            texting = await api.put(path, json=by_text, headers=as_els)
            jans_look = await api.get(path, headers=as_jan)
            jans_try = await api.put(path, json={"electronic": False}, headers=as_jan)
            assert await eventually(lambda: chosen(api, path, as_els, channel="sms"))
        assert before.json() == {
            "electronic": True,
            "notify": True,
            "channel": "email",
            "email": None,
            "phone": None,
        }
        assert texting.status_code == 204, texting.text
        assert jans_look.status_code == 404 and jans_try.status_code == 404

        # INV-4: due whatever the notice; 15 days on, the first reminder, told by text message.
        clock.set(datetime.combine(invoice.due_on + timedelta(days=15), time(9), BRUSSELS))
        # The next month's invoice is issued meanwhile: its notices are not counted here.
        first, reminder = await eventually(lambda: noticed(einvoicing, invoice.number, 2))
        assert first["notice"] == "issued" and first["sent"] and first["channel"] == "email"
        assert reminder["notice"] == "reminder-1" and reminder["sent"], reminder["reason"]
        assert reminder["channel"] == "sms"
        [text] = [t for t in texts.to(ELS_PHONE) if "herinnering" in t]
        assert "http" not in text and euros not in text and len(text) <= 160

        # She switches notices off: the second reminder is recorded, and nobody is told.
        as_els = bearer(signer.token("member", "els"))  # days on: a new session
        async with client(einvoicing) as api:
            quiet = await api.put(path, json={"notify": False}, headers=as_els)
            assert await eventually(lambda: chosen(api, path, as_els, notify=False))
            nothing = await api.put(path, json={"notify": False}, headers=as_els)
        assert quiet.status_code == 204, quiet.text
        assert nothing.status_code == 409 and "nothing to change" in nothing.json()["detail"]
        clock.set(datetime.combine(invoice.due_on + timedelta(days=30), time(9), BRUSSELS))
        *_, second = await eventually(lambda: noticed(einvoicing, invoice.number, 3))
        assert second["notice"] == "reminder-2" and not second["sent"]
        assert second["reason"] == "the payer switched notices off"
        assert len(mailbox.to(ELS_MAIL)) == 1 and len(texts.to(ELS_PHONE)) == 2

        as_els = bearer(signer.token("member", "els"))
        async with client(einvoicing) as api:
            paper = await api.put(path, json={"electronic": False}, headers=as_els)
            assert paper.status_code == 204
            assert await eventually(lambda: chosen(api, path, as_els, electronic=False))


async def chosen(api, path: str, headers: dict, **choice) -> dict | None:
    """The payer's choices, once they are as `choice` says (the projection caught up)."""
    shown = (await api.get(path, headers=headers)).json()
    return shown if shown.items() >= choice.items() else None
