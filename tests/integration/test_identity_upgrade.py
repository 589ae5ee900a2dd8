"""Issue 8, item 4, on a deployment that predates it: the upgrade finds the administrators
already registered in the store, so the last one of them is kept usable from the first start."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from services.identity.administrators import administrators
from services.identity.app import definition as identity_service
from shared.contracts import new_id
from shared.contracts.identity import PortalAccountRegistered
from shared.eventstore import EventStore, PendingEvent, connect

IDENTITY = identity_service.migrations[0]


def _upgrade_to(connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(IDENTITY.folder))
    script = ScriptDirectory.from_config(config)

    def upgrade(rev, _context):
        return script._upgrade_revs(revision, rev)

    with EnvironmentContext(config, script, fn=upgrade, destination_rev=revision) as env:
        env.configure(connection=connection, version_table=IDENTITY.version_table)
        with env.begin_transaction():
            env.run_migrations()


async def test_issue8_4_the_upgrade_lists_the_administrators_registered_before_it(database_url):
    database = connect(database_url)
    try:
        await database.migrate()
        async with database.engine.begin() as conn:
            await conn.run_sync(_upgrade_to, "identity_0006")
        store = EventStore(database, producer="identity")
        async with database.begin() as conn:
            for account_id, role in (("an-admin", "admin"), ("a-member", "member")):
                registered = PortalAccountRegistered(
                    account_id=account_id, login=account_id, role=role
                )
                await store.append(
                    conn,
                    f"account-{account_id}",
                    0,
                    [PendingEvent(registered, new_id())],
                    occurred_at=datetime.now(UTC),
                    correlation_id=new_id(),
                )

        await database.migrate(IDENTITY)

        async with database.read() as conn:
            listed = set(await conn.scalars(select(administrators.c.account_id)))
        assert listed == {"an-admin"}
    finally:
        await database.dispose()
