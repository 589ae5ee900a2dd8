"""The HTTP APIs fuzzed from their own OpenAPI (schemathesis): whatever arrives, no 5xx. And the
bad input of issue 8 (item 7) sent to running processes: a clear 4xx that echoes nothing, with
the security headers (item 8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from shared.http import SECURITY_HEADERS
from tests.support.processes import serving

BIN = Path(sys.executable).parent
# Whom the fuzzer acts as, and a route that tells when the service has learnt their key.
STAFF = {
    "identity": ("admin", "/access/persons"),
    "dossier": ("member_services", "/persons"),
    "complaints": ("complaints_handler", "/complaints"),
    "monitoring": ("admin", "/counts"),
}
SECRET = "my-secret-passphrase-"


@pytest.fixture(params=list(STAFF))
def service(request, kafka_bootstrap, tmp_path):
    with serving(request.param, kafka_bootstrap, tmp_path, *STAFF[request.param]) as running:
        yield running


def test_the_api_answers_no_5xx_to_anything_its_schema_allows(service, tmp_path):
    url, token = service
    fuzzed = subprocess.run(
        [
            BIN / "st",
            "run",
            f"{url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "40",
            "--generation-deterministic",
            "--request-timeout",
            "10",
            # As staff, so the fuzzer gets past the token check to the routes' own input.
            "--header",
            f"Authorization: Bearer {token}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,  # schemathesis keeps a cache in its working directory
    )

    assert fuzzed.returncode == 0, fuzzed.stdout[-4000:] + fuzzed.stderr[-2000:]


@pytest.fixture(scope="module")
def identity(kafka_bootstrap, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("identity")
    with serving("identity", kafka_bootstrap, data_dir, *STAFF["identity"]) as running:
        yield running


@pytest.fixture(scope="module")
def complaints(kafka_bootstrap, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("complaints")
    with serving("complaints", kafka_bootstrap, data_dir, *STAFF["complaints"]) as running:
        yield running


@pytest.mark.parametrize(
    "body",
    [rb'{"login": "\ud800", "password": "x"}', rb'{"login": "els", "password": "\udfff"}'],
    ids=["login", "password"],
)
def test_issue8_7_lone_surrogate_in_login_is_400(identity, body):
    url, _ = identity

    answer = _post(f"{url}/login", body)

    assert answer.status_code == 400, answer.text
    assert "unpaired surrogate" in answer.json()["detail"]


def test_issue8_7_a_10_mb_body_is_413_and_not_echoed(identity):
    url, _ = identity
    huge = json.dumps({"login": "els", "password": SECRET * 500_000}).encode()

    answer = _post(f"{url}/login", huge)

    assert answer.status_code == 413
    assert SECRET not in answer.text


def test_issue8_7_a_validation_error_does_not_echo_the_password(identity):
    url, _ = identity

    answer = _post(f"{url}/login", json.dumps({"login": "", "password": SECRET}).encode())

    assert answer.status_code == 422
    assert SECRET not in answer.text
    assert all("input" not in problem for problem in answer.json()["detail"])


@pytest.mark.parametrize(
    ("start", "end", "wrong"),
    [("2026-01-01", "9999-12-31", "end"), ("0001-01-01", "2026-12-31", "start")],
)
def test_issue8_7_a_report_period_beyond_the_calendar_is_422(complaints, start, end, wrong):
    url, token = complaints

    answer = httpx.get(
        f"{url}/complaints/report",
        params={"start": start, "end": end},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )

    assert answer.status_code == 422, answer.text
    assert [problem["loc"] for problem in answer.json()["detail"]] == [["query", wrong]]


def test_issue8_8_a_running_service_sends_the_security_headers(identity):
    url, _ = identity

    answers = [
        _post(f"{url}/login", b'{"login": "nobody", "password": "x"}'),
        _post(f"{url}/login", b"x" * (1 << 20)),
        httpx.get(f"{url}/healthz", timeout=5),
    ]

    for answer in answers:
        shown = {name: answer.headers.get(name) for name in SECURITY_HEADERS}
        assert shown == SECURITY_HEADERS, f"{answer.status_code}: {shown}"


def _post(url: str, body: bytes) -> httpx.Response:
    headers = {"content-type": "application/json"}
    return httpx.post(url, content=body, headers=headers, timeout=30)
