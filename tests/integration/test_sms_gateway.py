"""ID-1, INV-3: text messages go through an SMS gateway's HTTP API (shared.notifying.HttpSms),
here a real HTTP server on this machine. The message's short form goes, from the fund's sender
name, with the access token read from its file; a refusal is an error that names the HTTP
status and nothing else (not the token, the number or the text); a gateway without its token
file does not start."""

from __future__ import annotations

import pytest

from services.einvoicing.config import EinvoicingSettings
from shared.notifying import HttpSms, Message, NotSent, Senders, SmsRefused
from tests.support.sms_gateway import sms_gateway

NOTICE = Message("Nieuwe factuur", "Beste, ... een lange e-mail ...", "Nieuw in je inbox.")
PHONE = "+32470123456"


def settings(monkeypatch, url: str, token_file) -> EinvoicingSettings:
    monkeypatch.setenv("EINVOICING_SMS_GATEWAY_URL", url)
    monkeypatch.setenv("EINVOICING_SMS_GATEWAY_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("EINVOICING_SMS_SENDER", "MijnZiekenf")
    return EinvoicingSettings()


async def test_inv3_a_text_message_goes_through_the_gateway_in_its_short_form(
    monkeypatch, tmp_path
):
    with sms_gateway(tmp_path / "token") as (gateway, url):
        senders = Senders.configured(settings(monkeypatch, url, tmp_path / "token"))
        await senders.of("sms").send(PHONE, NOTICE)

    assert isinstance(senders.sms, HttpSms) and isinstance(senders.email, NotSent)
    assert gateway.texts == [{"from": "MijnZiekenf", "to": PHONE, "text": "Nieuw in je inbox."}]


@pytest.mark.parametrize("answer", [401, 503])
async def test_inv3_a_refusal_names_the_status_and_nothing_of_the_message(
    monkeypatch, tmp_path, answer
):
    with sms_gateway(tmp_path / "token") as (gateway, url):
        sms = Senders.configured(settings(monkeypatch, url, tmp_path / "token")).sms
        if answer == 401:
            gateway.token = "another-token"  # the fund's token was revoked
        else:
            gateway.answer = answer
        with pytest.raises(SmsRefused) as refused:
            await sms.send(PHONE, NOTICE)

    assert str(refused.value) == f"the SMS gateway answered HTTP {answer}"
    assert gateway.texts == []
    for secret in ("test-gateway-token", PHONE, NOTICE.short):
        assert secret not in repr(refused.value)


def test_inv3_a_gateway_without_its_token_file_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("EINVOICING_SMS_GATEWAY_URL", "https://sms.example.be/messages")

    with pytest.raises(ValueError, match="token file"):
        Senders.configured(EinvoicingSettings())
