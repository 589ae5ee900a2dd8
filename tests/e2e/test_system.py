"""The whole system as `make run` starts it: the launcher, the broker, the service processes,
and the staff and monitoring tools as a person uses them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from shared.messaging.local_broker import free_port

BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    names = ("broker", "idp", "identity", "dossier", "complaints", "monitoring")
    ports = {name: free_port() for name in names}
    env = {
        **os.environ,
        "MUTUALIS_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "MUTUALIS_BROKER_PORT": str(ports["broker"]),
        "MUTUALIS_IDP_PORT": str(ports["idp"]),
        "IDENTITY_PORT": str(ports["identity"]),
        "DOSSIER_PORT": str(ports["dossier"]),
        "COMPLAINTS_PORT": str(ports["complaints"]),
        "MONITORING_PORT": str(ports["monitoring"]),
    }
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("KAFKA_NAMESPACE", None)
    launcher = subprocess.Popen(
        [BIN / "mutualis", "run"], env=env, stdout=subprocess.PIPE, text=True
    )
    lines = []
    for line in launcher.stdout:
        lines.append(line)
        if line.startswith("running"):
            break
    assert any(f"complaints  http://127.0.0.1:{ports['complaints']}" in l for l in lines), lines
    tool_env = {**env, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{ports['broker']}"}
    yield ports, tool_env
    launcher.send_signal(signal.SIGINT)
    assert launcher.wait(60) == 0
    assert "stopped" in launcher.stdout.read()


def mutualis(*args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "mutualis", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_a_complaint_sent_by_staff_is_readable_over_http_and_seen_by_monitoring(system):
    ports, env = system
    tail = subprocess.Popen(
        [BIN / "mutualis", "monitor", "tail", "--from-beginning"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    payload = {"complainant_name": "Els Peeters", "subject": "Refund missing", "description": "…"}

    sent = mutualis(
        "staff", "send", "complaints", "RegisterComplaint", json.dumps(payload), env=env
    )

    assert sent.returncode == 0, sent.stdout + sent.stderr
    outcome = json.loads(sent.stdout)
    [registered] = [e for e in outcome["events"] if e["type"] == "ComplaintRegistered"]
    file_number = registered["payload"]["file_number"]
    token = _staff_token(ports, env)
    complaint = _get_eventually(
        f"http://127.0.0.1:{ports['complaints']}/complaints/{file_number}", token=token
    )
    assert complaint["complainant_name"] == "Els Peeters"
    assert _prints_within(tail, '"type": "ComplaintRegistered"', seconds=60)
    counts = _get_eventually(f"http://127.0.0.1:{ports['monitoring']}/counts", "complaints")
    assert counts["complaints"]["ComplaintRegistered"] >= 1


def test_a_rejected_command_exits_non_zero_with_its_reason(system):
    _, env = system

    sent = mutualis("staff", "send", "complaints", "RegisterComplaint", '{"subject": ""}', env=env)

    assert sent.returncode == 1
    outcome = json.loads(sent.stdout)
    assert outcome["status"] == "rejected"
    assert "complainant_name: Field required" in outcome["reason"]


def test_a_command_nobody_answers_times_out_non_zero(system):
    _, env = system

    sent = mutualis("staff", "send", "nobody", "DoSomething", "{}", "--timeout", "2", env=env)

    assert sent.returncode == 2


def _prints_within(process: subprocess.Popen, text: str, seconds: float) -> bool:
    """Reads `process`'s output until a line contains `text`, then stops the process."""
    timer = threading.Timer(seconds, process.kill)
    timer.start()
    try:
        return any(text in line for line in process.stdout)
    finally:
        timer.cancel()
        process.kill()
        process.wait()


def _staff_token(ports: dict, env: dict) -> str:
    account = {
        "account_id": "handler-1",
        "login": "handler",
        "password": PASSWORD,
        "role": "complaints_handler",
    }
    sent = mutualis(
        "staff", "send", "identity", "RegisterPortalAccount", json.dumps(account), env=env
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    login = {"login": "handler", "password": PASSWORD}
    response = httpx.post(f"http://127.0.0.1:{ports['identity']}/login", json=login, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _get_eventually(url: str, key: str | None = None, token: str = "", timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    while True:
        response = httpx.get(url, timeout=5, headers=headers)
        body = response.json() if response.status_code == 200 else None
        if body is not None and (key is None or key in body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} answered {response.status_code}: {response.text}")
        time.sleep(0.1)
