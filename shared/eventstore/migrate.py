"""Runs a folder of Alembic revisions against a connection, each folder with its own version
table, so the shared store and each service's read models migrate independently."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

STORE_MIGRATIONS = Path(__file__).parent / "migrations"
# One Alembic environment (its env.py) serves every tree: the trees differ only in their
# revisions and version table, which the environment takes from the Config.
ENVIRONMENT = STORE_MIGRATIONS


def upgrade(
    connection: Connection, folder: Path, version_table: str, revision: str = "head"
) -> None:
    """Upgrades the tree in `folder` (its revisions in `folder/versions`) to `revision`."""
    config = Config()
    config.set_main_option("script_location", str(ENVIRONMENT))
    # A path may hold spaces or commas, which Alembic's legacy list splitting would cut on.
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(folder / "versions"))
    config.attributes.update(connection=connection, version_table=version_table)
    command.upgrade(config, revision)
