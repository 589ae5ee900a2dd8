"""A PostgreSQL server for the tests: the one named by TEST_POSTGRES_URL, else the one on
127.0.0.1:5432 if it answers, else a throwaway cluster started with the installed binaries.
Every test gets a database of its own.

Tests run in parallel (pytest-xdist) get a throwaway cluster per worker: the event store reads
no further than the oldest transaction still open in the whole cluster (the read horizon), so
one worker's long transactions would hold back another's projections and relays."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import asyncpg

from shared.messaging.local_broker import free_port, run_in_thread


def _binaries() -> Path:
    for pg_ctl in sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True):
        return Path(pg_ctl).parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise RuntimeError("no PostgreSQL server answers and no pg_ctl is installed")


class PostgresServer:
    """The server; `url` is an asyncpg URL without a database name."""

    def __init__(self) -> None:
        self.url = ""
        self._dir: str | None = None
        self._bin: Path | None = None

    def start(self) -> "PostgresServer":
        given = os.environ.get("TEST_POSTGRES_URL")
        if given:
            self.url = given.rstrip("/")
        elif os.environ.get("PYTEST_XDIST_WORKER") and _has_binaries():
            self._start_throwaway()
        elif run_in_thread(_answers("postgresql://postgres@127.0.0.1:5432/postgres")):
            self.url = "postgresql://postgres@127.0.0.1:5432"
        else:
            self._start_throwaway()
        return self

    def _start_throwaway(self) -> None:
        self._bin = _binaries()
        self._dir = tempfile.mkdtemp(prefix="mutualis-pg-")
        port = free_port()
        run_as = _unprivileged_user()
        if run_as:
            shutil.chown(self._dir, run_as)
        data = Path(self._dir) / "data"
        self._as(run_as, [self._bin / "initdb", "-D", data, "-U", "postgres", "--auth=trust"])
        options = f"-p {port} -k {self._dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as(run_as, [self._bin / "pg_ctl", "-D", data, "-o", options, "-w", "start"])
        self.url = f"postgresql://postgres@127.0.0.1:{port}"
        self._run_as = run_as

    @staticmethod
    def _as(user: str | None, command: list) -> None:
        command = [str(c) for c in command]
        if user:
            command = ["runuser", "-u", user, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        if self._dir and self._bin:
            self._as(
                self._run_as,
                [self._bin / "pg_ctl", "-D", Path(self._dir) / "data", "-m", "immediate", "stop"],
            )
            shutil.rmtree(self._dir, ignore_errors=True)

    async def create_database(self) -> str:
        name = f"test_{uuid.uuid4().hex[:16]}"
        conn = await asyncpg.connect(f"{self.url}/postgres")
        try:
            # Collated as the deployment's databases are (deploy/postgres-init.sql).
            await conn.execute(f"CREATE DATABASE \"{name}\" LC_COLLATE 'C' TEMPLATE template0")
        finally:
            await conn.close()
        return f"{self.url.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"

    async def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        conn = await asyncpg.connect(f"{self.url}/postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


def _has_binaries() -> bool:
    try:
        return _binaries().exists()
    except RuntimeError:
        return False


async def _answers(url: str) -> bool:
    try:
        conn = await asyncpg.connect(url, timeout=3)
    except Exception:
        return False
    await conn.close()
    return True


def _unprivileged_user() -> str | None:
    # initdb refuses to run as root.
    if os.geteuid() != 0:
        return None
    for user in ("postgres", "nobody"):
        if shutil.which("runuser") and _user_exists(user):
            return user
    raise RuntimeError("running as root and no user to run a throwaway PostgreSQL as")


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
