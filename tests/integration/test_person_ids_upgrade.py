"""Issue 10, on a deployment that predates person ids: identity's upgrade moves members'
accounts, holders' access streams and their pending timers from national register numbers to
person ids, and every service's access projection follows, so nobody loses an account, a
mandate or a decision still to be taken."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from services.identity.adapters.members import members
from services.identity.adapters.private_tables import member_accounts
from services.identity.app import definition as identity_service
from services.identity.domain.holder_access import HolderAccess
from shared import access
from shared.access.read_model import accounts, grants
from shared.contracts import new_id
from shared.contracts.dossier import legacy_person_id
from shared.eventstore import connect
from shared.eventstore.migrate import upgrade
from shared.eventstore.schema import events, timers
from tests.support.dossier import insz

IDENTITY = identity_service.migrations[0]
PARENT, CHILD = insz(date(1985, 7, 30), 33), insz(date(2012, 5, 15), 123)
# Known to identity as a member enrolled with a person id of its own (not the legacy one).
CHILD_ID = "person-child"
DUE = datetime(2028, 5, 15, 22, tzinfo=UTC)


async def test_issue10_the_upgrade_moves_accounts_access_streams_and_timers_to_person_ids(
    database_url,
):
    database = connect(database_url)
    old_stream = HolderAccess.stream(PARENT, CHILD)  # made of the two numbers, as it was
    try:
        await database.migrate()
        async with database.engine.begin() as conn:
            await conn.run_sync(upgrade, IDENTITY.folder, IDENTITY.version_table, "identity_0013")
            await conn.run_sync(
                upgrade, access.MIGRATIONS.folder, access.MIGRATIONS.version_table, "access_0003"
            )
        async with database.begin() as conn:
            await conn.execute(
                insert(members).values(
                    person_id=CHILD_ID,
                    national_register_number=CHILD,
                    booklet_id="b-1",
                    role="dependant",
                    birth_date=date(2012, 5, 15),
                )
            )
            await conn.exec_driver_sql(
                "INSERT INTO national_register_logins (national_register_number, account_id) "
                f"VALUES ('{CHILD}', 'account-child')"
            )
            await conn.exec_driver_sql(
                "INSERT INTO access_accounts (account_id, national_register_number) "
                f"VALUES ('account-child', '{CHILD}')"
            )
            await conn.exec_driver_sql(
                f"INSERT INTO access_grants (holder, person) VALUES ('{PARENT}', '{CHILD}')"
            )
            await conn.execute(
                insert(events).values(
                    event_id=new_id(),
                    stream_id=old_stream,
                    stream_version=1,
                    type="AccessGranted",
                    version=1,
                    occurred_at=datetime(2026, 1, 5, tzinfo=UTC),
                    correlation_id=new_id(),
                    producer="identity",
                    payload={"holder": PARENT, "person": CHILD, "why": "child under 16"},
                )
            )
            await conn.execute(
                insert(timers).values(
                    timer_id=f"access.reconsider:{old_stream}:{DUE.isoformat()}",
                    kind="access.reconsider",
                    due_at=DUE,
                    payload={"holder": PARENT, "person": CHILD},
                    correlation_id=new_id(),
                    status="scheduled",
                )
            )

        await database.migrate(*identity_service.migrations)

        parent_id = legacy_person_id(PARENT)  # a number identity does not know as a member
        new_stream = HolderAccess.stream(parent_id, CHILD_ID)
        async with database.read() as conn:
            accounts_of = (await conn.execute(select(member_accounts))).all()
            streams = set(await conn.scalars(select(events.c.stream_id)))
            [timer] = (await conn.execute(select(timers))).all()
            projected = (await conn.execute(select(accounts))).all()
            granted = (await conn.execute(select(grants))).all()
    finally:
        await database.dispose()

    assert [tuple(row) for row in accounts_of] == [(CHILD_ID, "account-child")]
    assert streams == {new_stream}
    assert timer.timer_id == f"access.reconsider:{new_stream}:{DUE.isoformat()}"
    assert timer.payload == {"holder": parent_id, "person": CHILD_ID}
    # The access projection learnt them from identity's events: the ids those events stand for.
    assert [tuple(row) for row in projected] == [("account-child", legacy_person_id(CHILD))]
    assert [tuple(row) for row in granted] == [(parent_id, legacy_person_id(CHILD))]
