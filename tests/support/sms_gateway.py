"""A real HTTP SMS gateway for tests: the local system's own (mutualis.outbox.sms_gateway),
keeping every message it accepts in memory; a test changes its token (a revoked one is 401)
or the status it answers (`answer`) to see a refusal."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mutualis.outbox import SMS_PATH
from mutualis.outbox import sms_gateway as gateway_server


@dataclass
class Gateway:
    token: str
    answer: int = 202
    texts: list[dict] = field(default_factory=list)

    def keep(self, message: dict) -> int:
        if self.answer < 300:
            self.texts.append(message)
        return self.answer

    def to(self, number: str) -> list[str]:
        return [text["text"] for text in self.texts if text["to"] == number]


@contextmanager
def sms_gateway(
    token_file: Path, token: str = "test-gateway-token"
) -> Iterator[tuple[Gateway, str]]:
    """A gateway on a free local port, its token written to `token_file`: it and its URL."""
    token_file.write_text(token + "\n")
    gateway = Gateway(token)
    server = gateway_server(0, lambda: gateway.token, gateway.keep)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_port}{SMS_PATH}"
    finally:
        server.shutdown()
        server.server_close()
