"""`make run`: the broker and every built service, each in its own process, on embedded
defaults; Ctrl-C stops them all."""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shared.messaging.local_broker import LocalBroker
from shared.settings import DEFAULT_PORTS, ServiceSettings

SERVICES = ["identity", "dossier", "payments", "einvoicing", "complaints", "monitoring"]


def built_services() -> list[str]:
    return [s for s in SERVICES if importlib.util.find_spec(f"services.{s}.__main__")]


def run(broker_port: int) -> int:
    env = dict(os.environ)
    broker = None
    if "KAFKA_BOOTSTRAP_SERVERS" not in env:
        broker = LocalBroker(port=broker_port).start()
        env["KAFKA_BOOTSTRAP_SERVERS"] = broker.bootstrap_servers
        print(
            f"broker      kafka://{broker.bootstrap_servers}  (tansu, memory storage)", flush=True
        )
    processes: dict[str, subprocess.Popen] = {}
    stopping = False
    idp_port = int(env.get("MUTUALIS_IDP_PORT", "8010"))
    idp_url = f"http://127.0.0.1:{idp_port}"
    # Registration with a digital key works on one machine: identity trusts the local provider.
    env.setdefault("IDENTITY_IDENTITY_PROVIDERS", json.dumps([idp_url]))
    # The local system's time can be moved on (`mutualis clock advance DAYS`) to see deadlines
    # fall due; a deployment never sets this.
    data_dir = ServiceSettings.for_service("identity").data_dir
    env.setdefault("MUTUALIS_CLOCK_FILE", str(data_dir.resolve() / "clock"))
    admin_password_file = None
    if "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD" not in env:
        admin_password_file = data_dir / "admin-password"
        env["IDENTITY_BOOTSTRAP_ADMIN_PASSWORD"] = admin_password(admin_password_file)

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        processes["idp"] = subprocess.Popen([sys.executable, "-m", "mutualis.cli", "idp"], env=env)
        _wait_answering("idp", f"{idp_url}/.well-known/jwks.json", processes["idp"])
        print(
            f"{'idp':<11} {idp_url}  (local identity provider: eID/itsme/CSAM stand-in)", flush=True
        )
        for name in built_services():
            settings = ServiceSettings.for_service(name)
            processes[name] = subprocess.Popen([sys.executable, "-m", f"services.{name}"], env=env)
            url = f"http://{settings.host}:{settings.port}"
            _wait_answering(name, f"{url}/healthz", processes[name])
            print(
                f"{name:<11} http://{settings.host}:{settings.port}  ({settings.database_url})",
                flush=True,
            )
        for name in sorted(set(DEFAULT_PORTS) - set(processes)):
            print(f"{name:<11} not built yet", flush=True)
        if admin_password_file:
            print(
                f"staff       mutualis staff login admin --password-file {admin_password_file}",
                flush=True,
            )
        print("running; Ctrl-C stops everything", flush=True)
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping", file=sys.stderr)
                    return 1
            time.sleep(0.2)
        return 0
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        if broker:
            broker.stop()
        print("stopped", flush=True)


def admin_password(path: Path) -> str:
    """The first administrator's password: made once, kept beside the databases it opens."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(18))
    return path.read_text().strip()


def _wait_answering(name: str, url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode} while starting")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{name} did not answer on {url}")
