"""A real HTTP SMS gateway for tests, speaking the API `shared.notifying.HttpSms` sends to:
it keeps every message it accepts, refuses a wrong token (401), and answers what it is told to
(`answer`) so a test sees a refusal."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Gateway:
    token: str
    answer: int = 202
    texts: list[dict] = field(default_factory=list)

    def to(self, number: str) -> list[str]:
        return [text["text"] for text in self.texts if text["to"] == number]


@contextmanager
def sms_gateway(
    token_file: Path, token: str = "test-gateway-token"
) -> Iterator[tuple[Gateway, str]]:
    """A gateway on a free local port, its token written to `token_file`: it and its URL."""
    token_file.write_text(token + "\n")
    gateway = Gateway(token)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                status = 401
            else:
                status = gateway.answer
                if status < 300:
                    gateway.texts.append(body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass  # the test's output is not the place for the gateway's access log

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_port}/messages"
    finally:
        server.shutdown()
        server.server_close()
