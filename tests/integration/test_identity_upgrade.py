"""Issue 8, item 4, on a deployment that predates it: the upgrade finds the administrators
already registered in the store, so the last one of them is kept usable from the first start."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from services.identity.adapters.administrators import administrators
from services.identity.app import definition as identity_service
from shared.contracts import new_id
from shared.contracts.identity import PortalAccountRegistered
from shared.eventstore import EventStore, PendingEvent, connect
from shared.eventstore.migrate import upgrade
from shared.keys import KekSettings

IDENTITY = identity_service.migrations[0]


async def test_issue8_4_the_upgrade_lists_the_administrators_registered_before_it(database_url):
    database = connect(database_url)
    try:
        await database.migrate()
        async with database.engine.begin() as conn:
            await conn.run_sync(upgrade, IDENTITY.folder, IDENTITY.version_table, "identity_0006")
        store = EventStore(database, producer="identity", kek=KekSettings().key_encryption_key())
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
