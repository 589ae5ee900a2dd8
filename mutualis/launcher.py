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
from pyotp import random_base32

from shared import trust
from shared.keys import create_kek_file
from shared.messaging.local_broker import LocalBroker
from shared.private_files import create_private, private_file, private_folder
from shared.settings import DEFAULT_PORTS, ServiceSettings

SERVICES = ["identity", "dossier", "payments", "einvoicing", "complaints", "monitoring"]


def built_services() -> list[str]:
    return [s for s in SERVICES if importlib.util.find_spec(f"services.{s}.__main__")]


def run(broker_port: int) -> int:
    # What the launcher and the services it starts write (databases, keys, passwords) is
    # their owner's alone, whatever the umask of the shell that ran `make run`.
    os.umask(0o077)
    env = dict(os.environ)
    broker = None
    if "KAFKA_BOOTSTRAP_SERVERS" not in env:
        broker = LocalBroker(port=broker_port).start()
        env["KAFKA_BOOTSTRAP_SERVERS"] = broker.bootstrap_servers
    processes: dict[str, subprocess.Popen] = {}
    stopping = False
    idp_port = int(env.get("MUTUALIS_IDP_PORT", "8010"))
    idp_url = f"http://127.0.0.1:{idp_port}"
    # Registration with a digital key works on one machine: identity trusts the local provider.
    env.setdefault("IDENTITY_IDENTITY_PROVIDERS", json.dumps([idp_url]))
    # The local system's time can be moved on (`mutualis clock advance DAYS`) to see deadlines
    # fall due; a deployment never sets this.
    settings = ServiceSettings.for_service("identity")
    data_dir = settings.data_dir
    # Each service signs what it publishes with a key the local trust root certified.
    trust.init(settings.trust_folder, SERVICES)
    # Identity's signing keys (next, per-person data keys) are wrapped with a KEK kept beside
    # the databases locally; a deployment gives it as a secret, or uses a KMS.
    if "MUTUALIS_KEK_FILE" not in env and "MUTUALIS_KEK" not in env:
        kek_file = data_dir.resolve() / "kek"
        if not kek_file.exists():
            create_kek_file(kek_file)
        env["MUTUALIS_KEK_FILE"] = str(kek_file)
    if "MUTUALIS_CLOCK_FILE" not in env:
        # Made private here: `mutualis clock advance` writes it from a shell of any umask.
        env["MUTUALIS_CLOCK_FILE"] = str(private_file(data_dir.resolve() / "clock"))
    outbox = _outbox(env, data_dir.resolve())
    admin_password_file = admin_totp_file = None
    if "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD" not in env:
        # The first administrator's password and second factor (staff log in with both).
        admin_password_file = data_dir / "admin-password"
        admin_totp_file = data_dir / "admin-totp"
        env["IDENTITY_BOOTSTRAP_ADMIN_PASSWORD"] = made_once(admin_password_file, _password)
        env["IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET"] = made_once(admin_totp_file, random_base32)

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    logs = private_folder(data_dir / "logs")
    urls = {"idp": idp_url, "portal": _portal_url(env)}
    if outbox:
        urls["outbox"] = f"http://127.0.0.1:{outbox['sms_port']}"
    for name in built_services():
        service = ServiceSettings.for_service(name)
        urls[name] = f"http://{service.host}:{service.port}"
    try:
        # Every process at once: each takes seconds to join its consumer group.
        for name in urls:
            command = {
                "idp": ["-m", "mutualis.cli", "idp"],
                "outbox": ["-m", "mutualis.cli", "outbox", *(outbox or {}).get("args", [])],
            }.get(name, ["-m", f"services.{name}"])
            processes[name] = _start(name, command, env, logs)
        health = {name: f"{url}/healthz" for name, url in urls.items()}
        health["idp"] = f"{idp_url}/.well-known/jwks.json"
        _wait_answering(health, processes, logs, lambda: stopping)
        print(f"{'portal':<11} {urls['portal']}  (open it in a browser)")
        if broker:
            print(f"broker      kafka://{broker.bootstrap_servers}  (tansu, memory storage)")
        print(f"{'idp':<11} {idp_url}  (local identity provider: eID/itsme/CSAM stand-in)")
        if outbox:
            print(
                f"{'outbox':<11} {outbox['folder']}  (what the mail server and SMS gateway"
                " stand-ins received: one-time codes, invoice notices)"
            )
        for name in built_services():
            print(f"{name:<11} {urls[name]}  ({ServiceSettings.for_service(name).database_url})")
        for name in sorted(set(DEFAULT_PORTS) - set(processes)):
            print(f"{name:<11} not built yet")
        print(f"logs        {logs}/<name>.log")
        if admin_password_file:
            print(
                f"staff       mutualis staff login admin --password-file {admin_password_file}"
                f" --totp-secret-file {admin_totp_file}"
            )
        print("running; Ctrl-C stops everything", flush=True)
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    code, log = process.returncode, logs / f"{name}.log"
                    print(f"{name} exited with {code}; stopping (see {log})", file=sys.stderr)
                    return 1
            time.sleep(0.2)
        return 0
    except _StartFailed as failure:
        print(str(failure), file=sys.stderr)
        return 1
    finally:
        _stop_all(processes)
        if broker:
            broker.stop()
        print("stopped", flush=True)


def _outbox(env: dict, data_dir: Path) -> dict | None:
    """The local mail server and SMS gateway (mutualis/outbox.py), and the services pointed at
    them, unless a mail server is given already: what a member would receive lands as files."""
    if any(env.get(f"{s}_SMTP_HOST") for s in ("IDENTITY", "EINVOICING")):
        return None
    smtp_port = int(env.get("MUTUALIS_SMTP_PORT", "8025"))
    sms_port = int(env.get("MUTUALIS_SMS_PORT", "8026"))
    token_file = data_dir / "sms-gateway-token"
    made_once(token_file, _password)
    folder = data_dir / "outbox"
    for service in ("IDENTITY", "EINVOICING"):
        env[f"{service}_SMTP_HOST"] = "127.0.0.1"
        env[f"{service}_SMTP_PORT"] = str(smtp_port)
        env[f"{service}_SMS_GATEWAY_URL"] = f"http://127.0.0.1:{sms_port}/messages"
        env[f"{service}_SMS_GATEWAY_TOKEN_FILE"] = str(token_file)
    args = ["--folder", str(folder), "--smtp-port", str(smtp_port), "--sms-port", str(sms_port)]
    return {
        "folder": folder,
        "sms_port": sms_port,
        "args": [*args, "--token-file", str(token_file)],
    }


# A service stops within this: it leaves its consumer group and closes its database.
STOP_TIMEOUT_S = 4.0


class _StartFailed(Exception):
    pass


def _portal_url(env: dict) -> str:
    """The member portal (services/portal): no store of its own, it reads the services."""
    host = env.get("PORTAL_HOST", "127.0.0.1")
    return f"http://{host}:{env.get('PORTAL_PORT', DEFAULT_PORTS['portal'])}"


def _start(name: str, command: list[str], env: dict, logs: Path) -> subprocess.Popen:
    with open(logs / f"{name}.log", "ab") as log:
        # A session of its own: Ctrl-C in the terminal reaches the launcher only, which stops
        # the processes in order instead of every one at once mid-start.
        return subprocess.Popen(
            [sys.executable, *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def _stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes.values():
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def made_once(path: Path, make) -> str:
    """A secret of the local system (the first administrator's password, their TOTP secret):
    made once, kept beside the databases it opens, readable by its owner only."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        create_private(path, make())
    return path.read_text().strip()


def _password() -> str:
    return secrets.token_urlsafe(18)


def _wait_answering(
    urls: dict[str, str], processes: dict[str, subprocess.Popen], logs: Path, stopping
) -> None:
    """Waits until every process answers on its URL; raises _StartFailed when one exits or
    none answers in time."""
    waiting = dict(urls)
    deadline = time.monotonic() + 90
    with httpx.Client(timeout=1) as client:
        while waiting and not stopping():
            for name, url in list(waiting.items()):
                if processes[name].poll() is not None:
                    raise _StartFailed(
                        f"{name} exited with {processes[name].returncode} while starting; "
                        f"see {logs}/{name}.log"
                    )
                try:
                    if client.get(url).status_code == 200:
                        del waiting[name]
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                raise _StartFailed(f"{', '.join(waiting)} did not answer; see {logs}/")
            time.sleep(0.2)
