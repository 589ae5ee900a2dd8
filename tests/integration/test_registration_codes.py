"""ID-1 (My LM, seed 001 art 4), ID-10: registration with a member number or national register
number and a one-time code sent to the address in the dossier, through a real SMTP server, or
to the dossier's mobile number through a real HTTP SMS gateway."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from services.identity.app import definition as identity_service
from tests.support import dossier
from tests.support.http import client
from tests.support.mailbox import Mailbox, mail_server
from tests.support.members import enrol
from tests.support.recorded import recorded
from tests.support.services import running
from tests.support.sms_gateway import sms_gateway
from tests.support.waiting import eventually

PASSWORD = "correct horse battery staple"
INSZ = "85073003328"
EMAIL = "els.peeters@example.be"
TERMS = "2026-01"


@pytest.fixture
def mailbox(monkeypatch):
    with mail_server() as (box, port):
        monkeypatch.setenv("IDENTITY_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("IDENTITY_SMTP_PORT", str(port))
        monkeypatch.setenv("IDENTITY_SMTP_SENDER", "my-lm@fund.example.be")
        yield box


@pytest.fixture
async def service(database_url, kafka, mailbox, clock):
    async with running(identity_service, database_url, kafka, clock) as runtime:
        yield runtime


@pytest.fixture
async def identity(service):
    async with client(service) as http:
        yield http


async def ask_code(identity, **who) -> dict:
    who.setdefault("channel", "email")
    asked = await identity.post("/registration/code", json=who)
    assert asked.status_code == 202, asked.text
    return asked.json()


async def mailed_code(mailbox: Mailbox, address: str, nth: int = 1) -> str:
    mails = await eventually(lambda: _at_least(mailbox.to(address), nth))
    assert mails, f"no mail to {address}"
    return re.search(r"\b(\d{6})\b", mails[nth - 1].get_content()).group(1)


async def _at_least(mails: list, n: int) -> list | None:
    return mails if len(mails) >= n else None


def confirmation(request_id: str, code: str, **overrides) -> dict:
    return {
        "request_id": request_id,
        "code": code,
        "password": PASSWORD,
        "terms_version": TERMS,
        "accept_terms": True,
        **overrides,
    }


async def test_id1_a_member_registers_with_the_code_mailed_to_the_dossier_address(
    identity, service, kafka, mailbox
):
    await enrol(kafka, service, INSZ, email=EMAIL)

    asked = await ask_code(identity, national_register_number="85.07.30-033.28")
    code = await mailed_code(mailbox, EMAIL)
    registered = await identity.post(
        "/registration/code/confirm", json=confirmation(asked["request_id"], code)
    )

    assert registered.status_code == 201 and registered.json()["login"] == INSZ
    login = await identity.post("/login", json={"login": INSZ, "password": PASSWORD})
    assert login.status_code == 200
    [event] = await recorded(service, "PortalAccountRegistered")
    assert event.payload["verified_by"] == "email_code"
    assert event.payload["person_id"] == dossier.person_id(INSZ)
    # Used once.
    again = await identity.post(
        "/registration/code/confirm", json=confirmation(asked["request_id"], code, login="els2")
    )
    assert again.status_code == 401


async def test_id10_the_code_mail_carries_the_code_only_and_says_no_password_is_ever_asked(
    identity, service, kafka, mailbox
):
    await enrol(kafka, service, INSZ, email=EMAIL)

    await ask_code(identity, national_register_number=INSZ)
    code = await mailed_code(mailbox, EMAIL)

    [mail] = mailbox.to(EMAIL)
    body = mail.get_content()
    assert code in body
    assert "never asks for your password" in body
    assert "http" not in body.lower() and "www" not in body.lower()
    assert PASSWORD not in body


async def test_id1_the_code_goes_to_the_dossier_address_never_to_one_in_the_request(
    identity, service, kafka, mailbox
):
    holder = await enrol(kafka, service, INSZ, email=EMAIL)

    await ask_code(
        identity, member_number=holder.booklet_id, email="attacker@example.com", to="x@y.z"
    )

    assert await mailed_code(mailbox, EMAIL)
    assert [recipients for recipients, _ in mailbox.mails] == [[EMAIL]]


async def test_id1_five_wrong_codes_burn_the_code(identity, service, kafka, mailbox):
    await enrol(kafka, service, INSZ, email=EMAIL)
    asked = await ask_code(identity, national_register_number=INSZ)
    code = await mailed_code(mailbox, EMAIL)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    for attempt in range(5):
        refused = await identity.post(
            "/registration/code/confirm", json=confirmation(asked["request_id"], wrong)
        )
        assert refused.status_code == 401
    burnt = await identity.post(
        "/registration/code/confirm", json=confirmation(asked["request_id"], code)
    )

    assert burnt.status_code == 401
    assert await recorded(service, "PortalAccountRegistered") == []


async def test_id1_an_expired_code_is_refused(identity, service, kafka, mailbox, clock):
    await enrol(kafka, service, INSZ, email=EMAIL)
    asked = await ask_code(identity, national_register_number=INSZ)
    code = await mailed_code(mailbox, EMAIL)

    clock.advance(timedelta(minutes=10))
    expired = await identity.post(
        "/registration/code/confirm", json=confirmation(asked["request_id"], code)
    )

    assert expired.status_code == 401 and expired.json()["detail"] == "wrong, expired or used code"


async def test_id1_an_unknown_person_gets_the_same_answer_and_no_mail(
    identity, service, kafka, mailbox
):
    await enrol(kafka, service, INSZ, email=EMAIL)
    unknown = "90020199704"

    for_nobody = await ask_code(identity, national_register_number=unknown)
    for_nobody_by_number = await ask_code(identity, member_number="no-such-booklet")
    for_els = await ask_code(identity, national_register_number=INSZ)
    await mailed_code(mailbox, EMAIL)  # delivered in order: nothing went out before this

    assert for_nobody.keys() == for_nobody_by_number.keys() == for_els.keys()
    assert {k: v for k, v in for_nobody.items() if k != "request_id"} == {
        k: v for k, v in for_els.items() if k != "request_id"
    }
    assert len(mailbox.mails) == 1
    guessed = await identity.post(
        "/registration/code/confirm", json=confirmation(for_nobody["request_id"], "123456")
    )
    assert guessed.status_code == 401 and guessed.json()["detail"] == "wrong, expired or used code"


async def test_id1_a_member_registers_with_the_code_texted_to_the_dossier_mobile_number(
    database_url, kafka, clock, monkeypatch, tmp_path
):
    with sms_gateway(tmp_path / "sms.token") as (gateway, url):
        monkeypatch.setenv("IDENTITY_SMS_GATEWAY_URL", url)
        monkeypatch.setenv("IDENTITY_SMS_GATEWAY_TOKEN_FILE", str(tmp_path / "sms.token"))
        async with (
            running(identity_service, database_url, kafka, clock) as service,
            client(service) as identity,
        ):
            phone = (await enrol(kafka, service, INSZ, phone="+32470123456")).phone

            asked = await ask_code(identity, national_register_number=INSZ, channel="sms")

            async def texted() -> list[str]:
                return gateway.to(phone)

            [text] = await eventually(texted)
            code = re.search(r"\b(\d{6})\b", text).group(1)
            registered = await identity.post(
                "/registration/code/confirm",
                json=confirmation(asked["request_id"], code, login="els"),
            )

            assert registered.status_code == 201 and len(text) <= 160  # one text message
            assert "http" not in text  # ID-10: the code and nothing to click
            [event] = await recorded(service, "PortalAccountRegistered")
            assert event.payload["verified_by"] == "sms_code"
