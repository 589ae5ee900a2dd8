"""Issue 8, item 8, on the system as `make run` starts it: what it keeps on disk is its owner's
alone, and monitoring answers staff only, the `mutualis monitor` commands with the session's
token."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from shared.messaging.local_broker import free_port
from tests.support.launcher import launched

BIN = Path(sys.executable).parent

# Every module that starts the whole system runs on one worker, one module after the other
# (make test: --dist loadgroup): one system at a time on the machine, started once per module.
pytestmark = pytest.mark.xdist_group("whole-system")


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("system") / "data"
    ports = {name: free_port() for name in ("broker", "idp", "identity", "dossier")}
    ports |= {name: free_port() for name in ("complaints", "monitoring", "payments", "portal")}
    env = {
        **os.environ,
        "MUTUALIS_DATA_DIR": str(data_dir),
        "MUTUALIS_BROKER_PORT": str(ports["broker"]),
        "MUTUALIS_IDP_PORT": str(ports["idp"]),
        **{
            f"{name.upper()}_PORT": str(ports[name])
            for name in ports
            if name not in ("broker", "idp")
        },
    }
    for inherited in ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_NAMESPACE", "MUTUALIS_TRUST_DIR"):
        env.pop(inherited, None)
    # Started with the umask of a usual shell, which leaves what it creates readable by all.
    previous = os.umask(0o022)
    try:
        launcher, lines = launched(env)
    finally:
        os.umask(previous)
    assert lines and lines[-1].startswith("running"), lines
    tool_env = {
        **env,
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{ports['broker']}",
        "MUTUALIS_SESSION_FILE": str(tmp_path_factory.mktemp("staff") / "session.json"),
    }
    # "staff       mutualis staff login admin --password-file …"
    [login] = [line.split()[2:] for line in lines if line.startswith("staff ")]
    yield data_dir, ports, tool_env, login
    launcher.send_signal(signal.SIGINT)
    assert launcher.wait(60) == 0
    launcher.stdout.close()


def mutualis(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "mutualis", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_issue8_8_everything_make_run_keeps_on_disk_is_its_owners_alone(system):
    data_dir, *_ = system

    everything = [data_dir, *data_dir.rglob("*")]
    modes = {
        str(p.relative_to(data_dir.parent)): stat.S_IMODE(p.stat().st_mode) for p in everything
    }

    assert {"data/identity.sqlite", "data/monitoring.sqlite", "data/clock"} <= set(modes)
    assert {"data/identity.sqlite-wal", "data/admin-password", "data/admin-totp"} <= set(modes)
    shared = {path: oct(mode) for path, mode in modes.items() if mode & 0o077}
    assert shared == {}


def test_issue8_8_monitoring_answers_staff_only_and_the_cli_sends_the_session_token(system):
    _, ports, env, login = system
    monitoring = f"http://127.0.0.1:{ports['monitoring']}"

    anonymous = httpx.get(f"{monitoring}/complaints", timeout=10)
    not_logged_in = mutualis("monitor", "complaints", env=env)
    logged_in = mutualis(*login, env=env)
    assert logged_in.returncode == 0, logged_in.stdout + logged_in.stderr
    shown = {what: mutualis("monitor", what, env=env) for what in ("complaints", "counts", "lag")}

    assert anonymous.status_code == 401
    assert not_logged_in.returncode == 1 and "not logged in" in not_logged_in.stderr
    for what, answer in shown.items():
        assert answer.returncode == 0, f"{what}: {answer.stdout}{answer.stderr}"
        assert isinstance(json.loads(answer.stdout), dict)
    assert "open_by_state" in json.loads(shown["complaints"].stdout)
