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


@pytest.fixture(params=["identity", "dossier"])
def service_url(request, kafka_bootstrap, tmp_path):
    name, port = request.param, free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_NAMESPACE": f"fuzz{port}.",
        f"{name.upper()}_PORT": str(port),
        "MUTUALIS_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }
    service = subprocess.Popen([sys.executable, "-m", f"services.{name}"], env=env)
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


def test_the_api_answers_no_5xx_to_anything_its_schema_allows(service_url, tmp_path):
    fuzzed = subprocess.run(
        [
            BIN / "st",
            "run",
            f"{service_url}/openapi.json",
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
