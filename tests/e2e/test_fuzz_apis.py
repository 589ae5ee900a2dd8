"""The HTTP APIs fuzzed from their own OpenAPI (schemathesis): whatever arrives, no 5xx, and
every answer is one the document declares (status, media type, schema), errors as problem
details (issue 9, item 6). And the bad input of issue 8 (item 7) sent to running processes: a
clear 4xx that echoes nothing, with the security headers (item 8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from shared.http import SECURITY_HEADERS
from shared.problems import MEDIA_TYPE
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


# A request each service refuses (as the fuzzer's staff member, or without a token), and the
# reason code it gives.
REFUSED = {
    "identity": ("POST", "/token/refresh", {"refresh_token": "forged"}, 401, "refresh_refused"),
    "dossier": ("GET", "/persons", None, 403, "role_not_allowed"),
    "complaints": ("GET", "/complaints/NOPE", None, 404, "no_such_complaint"),
    "monitoring": ("GET", "/counts", None, 401, "token_required"),
}
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)


@pytest.fixture(scope="module", params=list(STAFF))
def service(request, kafka_bootstrap, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(request.param)
    with serving(request.param, kafka_bootstrap, data_dir, *STAFF[request.param]) as running:
        yield request.param, *running


# Starting the service (up to 3 minutes on a loaded machine) and the fuzzer's own 10 minutes.
@pytest.mark.timeout(900)
def test_issue9_6_the_api_answers_only_what_its_schema_declares(service, tmp_path):
    _, url, token = service
    fuzzed = subprocess.run(
        [
            BIN / "st",
            "run",
            f"{url}/openapi.json",
            "--checks",
            CHECKS,
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


def test_issue9_6_a_refused_request_is_problem_details_with_its_reason_code(service):
    name, url, token = service
    method, path, body, status, code = REFUSED[name]

    headers = {} if code == "token_required" else {"Authorization": f"Bearer {token}"}

    answer = httpx.request(method, url + path, json=body, headers=headers, timeout=10)

    problem = answer.json()
    assert answer.headers["content-type"] == MEDIA_TYPE
    assert (answer.status_code, problem["status"], problem["code"]) == (status, status, code)
    assert problem["type"] == f"urn:mutualis:problem:{code}" and problem["detail"]


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
    assert all("input" not in problem for problem in answer.json()["errors"])


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
    assert [problem["loc"] for problem in answer.json()["errors"]] == [["query", wrong]]


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
