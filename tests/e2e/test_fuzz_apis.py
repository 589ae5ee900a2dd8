"""The HTTP APIs fuzzed from their own OpenAPI (schemathesis): whatever arrives, no 5xx."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.messaging.local_broker import free_port

BIN = Path(sys.executable).parent


@pytest.fixture
def identity_url(kafka_bootstrap, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_NAMESPACE": f"fuzz{port}.",
        "IDENTITY_PORT": str(port),
        "MUTUALIS_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }
    service = subprocess.Popen([sys.executable, "-m", "services.identity"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield url
    service.terminate()
    service.wait(30)


def test_the_identity_api_answers_no_5xx_to_anything_its_schema_allows(identity_url, tmp_path):
    fuzzed = subprocess.run(
        [
            BIN / "st",
            "run",
            f"{identity_url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "40",
            "--generation-deterministic",
            "--request-timeout",
            "10",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # schemathesis keeps a cache in its working directory
    )

    assert fuzzed.returncode == 0, fuzzed.stdout[-4000:] + fuzzed.stderr[-2000:]
