"""`make run`'s stand-in for the fund's mail server and SMS gateway, as the local identity
provider stands in for eID: what the services send (one-time codes, invoice notices) lands as
files in one folder, `data/outbox/`, a mail as `<when>-mail-<to>.eml`, a text message as
`<when>-sms-<to>.txt`, so a newcomer reads what a member would receive.

The services speak to it as to the real ones: SMTP on one port, the SMS gateway's HTTP API
(shared.notifying.HttpSms) with its access token on another. A deployment never runs it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

from shared.private_files import create_private, private_folder

SMS_PATH = "/messages"


class Outbox:
    """The folder messages land in, one file each, named so they sort by when they came."""

    def __init__(self, folder: Path) -> None:
        self.folder = private_folder(folder)

    def keep(self, channel: str, to: str, content: str) -> Path:
        when = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
        safe = re.sub(r"[^\w@.+-]", "_", to)[:80]
        path = self.folder / f"{when}-{channel}-{safe}.{'eml' if channel == 'mail' else 'txt'}"
        create_private(path, content)
        return path

    async def handle_DATA(self, server, session, envelope) -> str:
        """aiosmtpd: one mail, kept once per recipient."""
        for to in envelope.rcpt_tos:
            self.keep("mail", to, envelope.content.decode("utf-8", "replace"))
        return "250 OK"


def sms_gateway(
    port: int, token: Callable[[], str], keep: Callable[[dict], int]
) -> ThreadingHTTPServer:
    """An HTTP server answering as the SMS gateway `HttpSms` speaks to: `POST /messages` with
    the bearer `token()` gives the JSON message to `keep`, which says the HTTP status to answer;
    another token is 401. `GET /healthz` says it is up. Not yet serving: `serve_forever` it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(200 if self.path == "/healthz" else 404)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != SMS_PATH:
                self._answer(404)
            elif self.headers.get("Authorization") != f"Bearer {token()}":
                self._answer(401)
            else:
                self._answer(keep(json.loads(body)))

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass  # a request line holds nothing worth a log, and the body must not reach one

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def serve(folder: Path, smtp_port: int, sms_port: int, token: str) -> None:
    """Both stand-ins, until the process is stopped."""
    outbox = Outbox(folder)
    mail = Controller(outbox, hostname="127.0.0.1", port=smtp_port)
    mail.start()

    def text(message: dict) -> int:
        outbox.keep("sms", str(message.get("to", "")), str(message.get("text", "")))
        return 202

    gateway = sms_gateway(sms_port, lambda: token, text)
    try:
        gateway.serve_forever()
    finally:
        gateway.server_close()
        mail.stop()
