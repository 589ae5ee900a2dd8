"""The whole system as `make run` starts it: the launcher, the broker, the service processes,
and the staff and monitoring tools as a person uses them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from mutualis.session import totp_code
from shared.clock import ShiftedClock
from shared.messaging.local_broker import free_port
from tests.support.launcher import launched
from tests.support.waiting import until

BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple"

# Every module that starts the whole system runs on one worker, one module after the other
# (make test: --dist loadgroup): one system at a time on the machine, started once per module.
pytestmark = pytest.mark.xdist_group("whole-system")


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    names = ("broker", "idp", "identity", "dossier", "complaints", "payments", "monitoring")
    names += ("einvoicing",)
    ports = {name: free_port() for name in names}
    env = {
        **os.environ,
        "MUTUALIS_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "MUTUALIS_BROKER_PORT": str(ports["broker"]),
        "MUTUALIS_IDP_PORT": str(ports["idp"]),
        "IDENTITY_PORT": str(ports["identity"]),
        "DOSSIER_PORT": str(ports["dossier"]),
        "COMPLAINTS_PORT": str(ports["complaints"]),
        "PAYMENTS_PORT": str(ports["payments"]),
        "MONITORING_PORT": str(ports["monitoring"]),
        "EINVOICING_PORT": str(ports["einvoicing"]),
    }
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("KAFKA_NAMESPACE", None)
    launcher, lines = launched(env)
    assert any(f"complaints  http://127.0.0.1:{ports['complaints']}" in l for l in lines), lines
    # Issue 8, finding 12: what listens where, and nothing else (the logs go to files).
    pieces = ("broker", "idp", "identity", "dossier", "complaints", "monitoring", "payments")
    pieces += ("einvoicing", "outbox", "portal", "logs", "staff", "running")
    assert all(line.split()[0].rstrip(";") in pieces for line in lines), lines
    tool_env = {
        **env,
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{ports['broker']}",
        "MUTUALIS_SESSION_FILE": str(tmp_path_factory.mktemp("staff") / "session.json"),
    }
    # The launcher says how the first administrator logs in; staff tooling acts as them.
    [login_line] = [line.split(None, 1)[1] for line in lines if line.startswith("staff ")]
    logged_in = mutualis(*login_line.split()[1:], env=tool_env)
    assert logged_in.returncode == 0, logged_in.stdout + logged_in.stderr
    yield ports, tool_env
    launcher.send_signal(signal.SIGINT)
    assert launcher.wait(60) == 0
    with launcher.stdout:
        assert launcher.stdout.read().split() == ["stopped"]
    logs = Path(env["MUTUALIS_DATA_DIR"]) / "logs"
    assert sorted(p.stem for p in logs.glob("*.log")) == sorted((*names[1:], "outbox", "portal"))
    for log in logs.glob("*.log"):
        assert "Traceback" not in log.read_text(), log


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
    counts = _get_eventually(
        f"http://127.0.0.1:{ports['monitoring']}/counts", "complaints", token=token
    )
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
        process.stdout.close()


def add_staff(env: dict, login: str, role: str, password_file: Path) -> Path:
    """An administrator opens the account; its holder sets a password with the activation
    code (no password travels on Kafka) and keeps the authenticator's secret; returns where."""
    added = mutualis("staff", "add-account", login, role, env=env)
    assert added.returncode == 0, added.stdout + added.stderr
    [code] = [
        line.split()[2] for line in added.stdout.splitlines() if line.startswith("activation")
    ]
    password_file.write_text(PASSWORD)
    totp_file = password_file.with_name(f"{login}-totp")
    activated = mutualis(
        *("staff", "activate", login, "--code", code, "--password-file", str(password_file)),
        *("--totp-secret-file", str(totp_file)),
        env=env,
    )
    assert activated.returncode == 0, activated.stdout + activated.stderr
    return totp_file


def staff_login(identity: str, login: str, totp_file: Path, env: dict) -> httpx.Response:
    """A staff login over HTTP, with the authenticator's code on the system's clock."""
    clock = ShiftedClock(Path(env["MUTUALIS_DATA_DIR"]) / "clock")
    body = {"login": login, "password": PASSWORD, "totp": totp_code(totp_file, clock)}
    return httpx.post(f"{identity}/login", json=body, timeout=10)


def _staff_token(ports: dict, env: dict) -> str:
    password_file = Path(env["MUTUALIS_SESSION_FILE"]).with_name("pw")
    totp_file = add_staff(env, "handler", "complaints_handler", password_file)
    response = staff_login(f"http://127.0.0.1:{ports['identity']}", "handler", totp_file, env)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _get_eventually(url: str, key: str | None = None, token: str = "", timeout: float = 30) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def wanted(answer: httpx.Response) -> bool:
        return answer.status_code == 200 and (key is None or key in answer.json())

    answer = _eventually(lambda: httpx.get(url, timeout=5, headers=headers), wanted, timeout)
    assert wanted(answer), f"{url} answered {answer.status_code}: {answer.text}"
    return answer.json()


def test_id1_id7_id4_a_demo_member_registers_with_a_digital_key_sees_the_allowed_persons_and_is_blocked(
    system,
):
    ports, env = system
    seeded = mutualis("demo", "seed", env=env, timeout=180)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    persons = {
        line.split()[3].rstrip(","): line.split()[2]
        for line in seeded.stdout.splitlines()
        if line.startswith("demo-peeters")
    }
    identity = f"http://127.0.0.1:{ports['identity']}"

    # The person proves who they are at the local identity provider, then registers.
    registered = _eventually(
        lambda: _register(ports, persons["Els"]), lambda r: r.status_code == 201
    )
    assert registered.json()["login"] == persons["Els"]
    token = _log_in(identity, persons["Els"], PASSWORD).json()["access_token"]

    # e-Mut: the parent sees herself and the child under 16, not the children of 16 and 17.
    seen = _eventually(
        lambda: httpx.get(
            f"http://127.0.0.1:{ports['dossier']}/persons", headers=_bearer(token), timeout=5
        ),
        lambda r: r.status_code == 200 and len(r.json()) == 2,
    )
    assert sorted(p["first_name"] for p in seen.json()) == ["Els", "Lotte"]

    for _ in range(7):
        assert _log_in(identity, persons["Els"], "wrong password").status_code == 401
    assert _log_in(identity, persons["Els"], "wrong password").status_code == 403  # the 8th
    blocked = _log_in(identity, persons["Els"], PASSWORD)
    assert blocked.status_code == 403 and blocked.json()["block_reason"] == "failed_logins"


def _register(ports: dict, national_register_number: str) -> httpx.Response:
    identity = f"http://127.0.0.1:{ports['identity']}"
    nonce = httpx.post(f"{identity}/registration/nonce", timeout=5).json()
    assertion = httpx.post(
        f"http://127.0.0.1:{ports['idp']}/assertions",
        json={
            "national_register_number": national_register_number,
            "name": "Els Peeters",
            "audience": nonce["audience"],
            "nonce": nonce["nonce"],
        },
        timeout=5,
    ).json()
    registration = {
        "id_token": assertion["id_token"],
        "password": PASSWORD,
        "terms_version": "2026-01",
        "accept_terms": True,
    }
    return httpx.post(f"{identity}/registration", json=registration, timeout=10)


def _log_in(identity: str, login: str, password: str) -> httpx.Response:
    return httpx.post(f"{identity}/login", json={"login": login, "password": password}, timeout=10)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _eventually(call, done, timeout: float = 30):
    """`call`'s answer once `done` holds for it (or the last one)."""
    answers = []

    def answered() -> bool:
        answers.append(call())
        return done(answers[-1])

    until(answered, timeout)
    return answers[-1]


def test_dos12_a_demo_member_downloads_a_copy_of_their_data_is_erased_and_is_on_no_topic(system):
    """Issue 10, "done means": what the README's walk-through does, with its plain Kafka client
    (deploy/dump_topics.py)."""
    ports, env = system
    assert mutualis("demo", "seed", env=env, timeout=180).returncode in (0, 1)
    member = _demo_person(env, "demo-janssens", "Bram")
    identity, dossier = (f"http://127.0.0.1:{ports[s]}" for s in ("identity", "dossier"))
    _eventually(lambda: _register(ports, member), lambda r: r.status_code in (201, 409))
    token = _log_in(identity, member, PASSWORD).json()["access_token"]
    persons = _eventually(
        lambda: httpx.get(f"{dossier}/persons", headers=_bearer(token), timeout=5),
        lambda r: r.status_code == 200 and r.json(),
    ).json()
    [bram] = [p for p in persons if p["national_register_number"] == member]
    complaint = {
        "complainant_name": "Bram Janssens",
        "subject": "Brilglazen niet terugbetaald",
        "description": "Mijn brilglazen van de opticien aan de Meir zijn niet terugbetaald.",
    }
    filed = _eventually(
        lambda: httpx.post(
            f"http://127.0.0.1:{ports['complaints']}/complaints",
            json=complaint,
            headers=_bearer(token),
            timeout=10,
        ),
        lambda r: r.status_code == 201,
    )
    assert filed.status_code == 201, filed.text

    # The member asks for a copy of their data and downloads it: one part per service.
    asked = httpx.post(
        f"{dossier}/privacy/requests",
        json={"person_id": bram["person_id"], "right": "access"},
        headers=_bearer(token),
        timeout=10,
    )
    assert asked.status_code == 201, asked.text
    export = f"{dossier}/privacy/requests/{asked.json()['request_id']}/export"
    copy = _eventually(
        lambda: httpx.get(export, headers=_bearer(token), timeout=10),
        lambda r: r.status_code == 200,
        timeout=60,
    )
    assert copy.status_code == 200, copy.text
    parts = copy.json()["parts"]
    assert set(parts) == {"dossier", "identity", "complaints", "payments", "einvoicing"}
    assert parts["dossier"]["national_register_number"] == member
    assert [a["login"] for a in parts["identity"]["portal_accounts"]] == [member]
    assert [c["subject"] for c in parts["complaints"]["complaints"]] == [complaint["subject"]]

    # Member services erase him; his account no longer logs in.
    erasure = json.dumps({"booklet_id": "demo-janssens", "national_register_number": member})
    erased = mutualis("staff", "send", "dossier", "ErasePerson", erasure, env=env)
    assert erased.returncode == 0, erased.stdout + erased.stderr
    refused = _eventually(
        lambda: _log_in(identity, member, PASSWORD), lambda r: r.status_code == 401
    )
    assert refused.status_code == 401

    # A plain Kafka client reads every topic from the beginning: he is on none.
    dumped = subprocess.run(
        [sys.executable, "deploy/dump_topics.py", f"127.0.0.1:{ports['broker']}"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    assert dumped.returncode == 0, dumped.stderr
    assert "dossier.commands" in dumped.stdout and "identity.events" in dumped.stdout
    for secret in (member, "Brilglazen", "opticien", "Meir"):
        assert secret not in dumped.stdout, secret


def test_cmp_a_portal_complaint_is_acknowledged_its_missed_status_message_seen_by_monitoring(
    system, tmp_path
):
    """Last in this module: it moves the running system's clock three weeks on."""
    ports, env = system
    assert mutualis("demo", "seed", env=env, timeout=180).returncode == 0
    member = _demo_person(env, "demo-dubois", "Claire")
    _eventually(lambda: _register(ports, member), lambda r: r.status_code in (201, 409))
    identity = f"http://127.0.0.1:{ports['identity']}"
    complaints = f"http://127.0.0.1:{ports['complaints']}/complaints"
    token = _log_in(identity, member, PASSWORD).json()["access_token"]

    # The member files through the portal (CMP-11) and gets a file number (CMP-2).
    filed = _eventually(
        lambda: httpx.post(
            complaints,
            json={
                "complainant_name": "Claire Dubois",
                "subject": "Remboursement manquant",
                "description": "Mon remboursement de kinésithérapie de mars manque.",
                "language": "fr",
            },
            headers=_bearer(token),
            timeout=10,
        ),
        lambda r: r.status_code == 201,
    )
    assert filed.status_code == 201, filed.text
    file_number = filed.json()["file_number"]

    # A complaints handler acknowledges it and finds it admissible, with the staff tool.
    handler_env = {**env, "MUTUALIS_SESSION_FILE": str(tmp_path / "handler-session.json")}
    password_file = tmp_path / "handler-password"
    totp_file = add_staff(env, "handler-2", "complaints_handler", password_file)
    handler_login = ("--password-file", str(password_file), "--totp-secret-file", str(totp_file))
    logged_in = mutualis("staff", "login", "handler-2", *handler_login, env=handler_env)
    assert logged_in.returncode == 0, logged_in.stdout + logged_in.stderr
    for command, payload in [
        ("AcknowledgeComplaint", {}),
        ("DecideAdmissibility", {"admissible": True, "category": "reimbursement"}),
    ]:
        body = json.dumps({"file_number": file_number, **payload})
        sent = mutualis("staff", "send", "complaints", command, body, env=handler_env)
        assert sent.returncode == 0, sent.stdout + sent.stderr

    # CMP-9: the handler's report of the period counts it, as pending.
    today = datetime.now(timezone.utc).date()
    period = [str(today - timedelta(days=1)), str(today + timedelta(days=1))]
    reported = mutualis("staff", "complaints-report", *period, env=handler_env)
    assert reported.returncode == 0, reported.stdout + reported.stderr
    lines = json.loads(reported.stdout)["lines"]
    assert {"category": "reimbursement", "outcome": "pending", "complaints": 1} in lines

    # An hour and a half later the handler's access token ran out on the system's clock: the
    # tool refreshes it on that clock, not the machine's (issue 8, finding 11).
    assert mutualis("clock", "advance", "0.0625", env=env).returncode == 0
    again = mutualis("staff", "complaints-report", *period, env=handler_env)
    assert again.returncode == 0, again.stdout + again.stderr

    # Three weeks and a few days pass without a status message (CMP-5): the timer breaches.
    moved = mutualis("clock", "advance", "25", env=env)
    assert moved.returncode == 0, moved.stdout + moved.stderr

    # Time moved past every session: the handler logs in again (the tool says so).
    stale = mutualis("monitor", "complaints", env=handler_env)
    assert stale.returncode != 0 and "mutualis staff login" in stale.stderr, stale.stderr
    logged_in = mutualis("staff", "login", "handler-2", *handler_login, env=handler_env)
    assert logged_in.returncode == 0, logged_in.stdout + logged_in.stderr
    handler_token = staff_login(identity, "handler-2", totp_file, env).json()["access_token"]

    def figures():
        return httpx.get(
            f"http://127.0.0.1:{ports['monitoring']}/complaints",
            headers=_bearer(handler_token),
            timeout=5,
        )

    seen = _eventually(figures, lambda r: file_number in r.json()["overdue"])
    assert file_number in seen.json()["overdue"], seen.json()
    assert seen.json()["status_updates_on_time"] == 0.0
    shown = mutualis("monitor", "complaints", env=handler_env)
    assert file_number in json.loads(shown.stdout)["overdue"], shown.stdout + shown.stderr

    # The complainant was not left waiting: the standard message is in their inbox, in French.
    token = _log_in(identity, member, PASSWORD).json()["access_token"]
    letters = httpx.get(f"{complaints}/{file_number}/letters", headers=_bearer(token), timeout=5)
    assert letters.status_code == 200, letters.text
    assert [(l["kind"], l["language"]) for l in letters.json()] == [
        ("acknowledgement", "fr"),
        ("status", "fr"),
    ]


def _demo_person(env: dict, booklet_id: str, first_name: str) -> str:
    listed = mutualis("demo", "seed", env=env, timeout=180).stdout.splitlines()
    [line] = [l for l in listed if l.startswith(booklet_id) and l.split()[3] == first_name]
    return line.split()[2]
