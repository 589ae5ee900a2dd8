"""A service started as `make run` starts it, in a process of its own, for the e2e tier."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from shared.messaging.local_broker import free_port
from shared.settings import KafkaSettings
from tests.support.staff import Signer
from tests.support.waiting import until


@contextmanager
def serving(
    name: str, kafka_bootstrap: str, data_dir: Path, role: str, guarded: str
) -> Iterator[tuple[str, str]]:
    """Service `name` in a namespace of its own; yields its URL and an access token for
    `role` it accepts (known once `guarded`, a route needing a token, stops answering 401)."""
    port = free_port()
    kafka = KafkaSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, KAFKA_NAMESPACE=f"e2e{port}.")
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_NAMESPACE": kafka.namespace,
        f"{name.upper()}_PORT": str(port),
        "MUTUALIS_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
    }
    service = subprocess.Popen([sys.executable, "-m", f"services.{name}"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        assert answers(f"{url}/healthz", lambda r: r.status_code == 200), f"{name} never started"
        signer = Signer(kafka)
        asyncio.run(signer.announce())
        token = signer.token(role)
        learnt = answers(f"{url}{guarded}", lambda r: r.status_code != 401, token)
        assert learnt, f"{name} never learnt the test key"
        yield url, token
    finally:
        service.terminate()
        service.wait(30)


def answers(
    url: str, done: Callable[[httpx.Response], bool], token: str = "", timeout: float = 180
) -> bool:
    """Waits for a running process to answer as `done` wants. Generous: at the start of `make
    test` four workers each start a broker and a PostgreSQL cluster while the whole system
    starts on one of them, on two cores, and a service's first start compiles its modules."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def answered() -> bool:
        try:
            return done(httpx.get(url, headers=headers, timeout=1))
        except httpx.HTTPError:  # not listening yet
            return False

    return until(answered, timeout, interval=0.2)
