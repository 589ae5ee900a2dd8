"""Data at rest on one machine: the folder of a system's databases and secrets, and every file
in it, are their owner's alone (0700 and 0600), whatever the umask of whoever starts it."""

from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    # mkdir's mode is cut by the umask and leaves a folder made by an older version as it was.
    path.chmod(FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """`path`, created empty if missing, its owner's alone. SQLite gives its journal and WAL
    files the mode of the database file, so a database created this way stays private."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    path.chmod(FILE_MODE)
    return path


def private_database(folder: Path, name: str) -> Path:
    """The SQLite database `<folder>/<name>.sqlite`, it and its companions made private."""
    database = private_file(private_folder(folder) / f"{name}.sqlite")
    for companion in folder.glob(f"{name}.sqlite-*"):  # -wal, -shm, -journal of an older run
        companion.chmod(FILE_MODE)
    return database


def create_private(path: Path, text: str) -> Path:
    """A new file holding `text`, its owner's alone from its first byte (never a moment with
    the umask's mode). An existing file is an error: a secret made once is never overwritten."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    return path


def replace_private(path: Path, text: str) -> Path:
    """`path` holding `text` instead of whatever it held, its owner's alone."""
    path.unlink(missing_ok=True)
    return create_private(path, text)
