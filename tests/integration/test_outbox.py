"""`make run`'s mail server and SMS gateway stand-ins (`mutualis outbox`): the services' own
senders (shared.notifying) reach them as they reach the real ones, and what they send lands as
one file per message in the outbox folder, readable by its owner only; a text message with
another token is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from shared.messaging.local_broker import free_port
from shared.notifying import HttpSms, Message, SmsRefused, SmtpSender
from tests.support.waiting import eventually, until

BIN = Path(sys.executable).parent
NOTICE = Message("Nieuwe factuur in je inbox", "Beste, ...", "Nieuw in je inbox.")


@pytest.fixture
def outbox(tmp_path):
    token = tmp_path / "token"
    token.write_text("local-token\n")
    folder, smtp, sms = tmp_path / "outbox", free_port(), free_port()
    command = [BIN / "mutualis", "outbox", "--folder", folder, "--token-file", token]
    process = subprocess.Popen(
        [*map(str, command), "--smtp-port", str(smtp), "--sms-port", str(sms)]
    )
    url = f"http://127.0.0.1:{sms}"

    def up() -> bool:
        try:
            return httpx.get(f"{url}/healthz").status_code == 200
        except httpx.HTTPError:
            return False

    assert until(up), "the outbox never answered"
    yield folder, smtp, f"{url}/messages"
    process.terminate()
    process.wait(10)


async def test_id1_inv3_what_the_services_send_lands_in_the_outbox_folder(outbox):
    folder, smtp, sms = outbox

    await SmtpSender("127.0.0.1", smtp, "no-reply@mutualis.invalid").send("els@example.be", NOTICE)
    await HttpSms(sms, "local-token", "Mutualis").send("+32470123456", NOTICE)
    with pytest.raises(SmsRefused, match="HTTP 401"):
        await HttpSms(sms, "another-token", "Mutualis").send("+32470123456", NOTICE)

    async def two_files() -> list[Path]:
        found = sorted(folder.iterdir())
        return found if len(found) == 2 else []

    mail, text = await eventually(two_files)
    assert mail.name.endswith("-mail-els@example.be.eml")
    assert "Subject: Nieuwe factuur in je inbox" in mail.read_text()
    assert text.name.endswith("-sms-+32470123456.txt")
    assert text.read_text() == "Nieuw in je inbox."
    assert {oct(path.stat().st_mode & 0o777) for path in (mail, text)} == {"0o600"}
