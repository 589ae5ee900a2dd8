"""Runs a folder of Alembic revisions against a connection, each folder with its own version
table, so the shared store and each service's read models migrate independently."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

STORE_MIGRATIONS = Path(__file__).parent / "migrations"


def upgrade(connection: Connection, folder: Path, version_table: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(folder))
    script = ScriptDirectory.from_config(config)

    def to_head(revision, _context):
        return script._upgrade_revs("head", revision)

    with EnvironmentContext(config, script, fn=to_head, destination_rev="head") as env:
        env.configure(connection=connection, version_table=version_table)
        with env.begin_transaction():
            env.run_migrations()
