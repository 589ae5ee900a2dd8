"""Issue 8, item 8: a service's SQLite database, with its WAL and shared-memory files, is its
owner's alone (0600) in a folder only they enter (0700), whatever the umask it started with."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from services.complaints.app import definition as complaints_service
from shared.service import Runtime
from shared.settings import ServiceSettings
from tests.support.procedure import register


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MUTUALIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMPLAINTS_DATABASE_URL", raising=False)
    # The usual umask, which leaves what a process creates readable by everyone.
    previous = os.umask(0o022)
    yield tmp_path / "data"
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_issue8_8_a_service_database_and_its_wal_are_0600_in_a_0700_folder(data_dir, kafka):
    settings = ServiceSettings.for_service("complaints", kafka=kafka, port=0)
    runtime = Runtime(complaints_service, settings)
    await runtime.start(background=False)
    try:
        await register(runtime)  # a write: SQLite now keeps a WAL and shared memory
        files = sorted(data_dir.iterdir())
        modes = {path.name: mode(path) for path in files}
    finally:
        await runtime.stop()

    assert mode(data_dir) == 0o700
    assert {"complaints.sqlite", "complaints.sqlite-wal", "complaints.sqlite-shm"} <= set(modes)
    assert modes == dict.fromkeys(modes, 0o600)


def test_issue8_8_a_world_readable_database_of_an_older_run_is_made_private(data_dir):
    data_dir.mkdir(mode=0o755)
    for name in ("complaints.sqlite", "complaints.sqlite-wal", "complaints.sqlite-shm"):
        (data_dir / name).write_bytes(b"")
        (data_dir / name).chmod(0o644)

    ServiceSettings.for_service("complaints")

    assert mode(data_dir) == 0o700
    assert {path.name: mode(path) for path in data_dir.iterdir()} == {
        "complaints.sqlite": 0o600,
        "complaints.sqlite-wal": 0o600,
        "complaints.sqlite-shm": 0o600,
    }
