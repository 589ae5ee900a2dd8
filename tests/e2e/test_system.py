"""The whole system as `make run` starts it: the launcher, the broker, the service processes,
and the staff and monitoring tools as a person uses them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.messaging.local_broker import free_port

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    ports = {name: free_port() for name in ("broker", "complaints", "monitoring")}
    env = {
        **os.environ,
        "MUTUALIS_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "MUTUALIS_BROKER_PORT": str(ports["broker"]),
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
        [BIN / "mutualis", "monitor", "tail", "--from-beginning", "--limit", "2"],
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
    complaint = _get_eventually(f"http://127.0.0.1:{ports['complaints']}/complaints/{file_number}")
    assert complaint["complainant_name"] == "Els Peeters"
    tailed, _ = tail.communicate(timeout=60)
    assert "ComplaintRegistered" in tailed
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


def _get_eventually(url: str, key: str | None = None, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(url, timeout=5)
        body = response.json() if response.status_code == 200 else None
        if body is not None and (key is None or key in body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} answered {response.status_code}: {response.text}")
        time.sleep(0.1)
