"""Issue 9, item 3: every write goes one way. What identity's HTTP API does (activation, logins)
is done as a command through its bus, in-process because a password or a code must not travel
on a topic: each leaves a command-log line with its kind, actor and outcome, and its events
derive their ids from it and name it as their cause (ID-9: who did what)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.identity.app import definition as identity_service
from shared.contracts.identity import RegisterPortalAccount
from shared.eventstore.schema import command_log
from tests.support.accounts import PASSWORD, activate, execute, log_in, staff
from tests.support.http import client
from tests.support.recorded import recorded
from tests.support.services import running


@pytest.fixture
async def identity(database_url, kafka):
    async with running(identity_service, database_url, kafka) as runtime:
        yield runtime


async def logged(runtime, kind: str) -> list:
    async with runtime.database.read() as conn:
        rows = await conn.execute(
            select(command_log).where(command_log.c.type == kind).order_by(command_log.c.handled_at)
        )
        return rows.all()


async def test_issue9_3_id9_an_activation_and_a_login_are_logged_commands_causing_their_events(
    identity,
):
    command = RegisterPortalAccount(account_id="acc-1", login="els", role="member")
    assert (await execute(identity, staff("admin"), command)).status == "accepted"
    await activate(identity, "acc-1", "els")
    async with client(identity) as api:
        assert (await log_in(api, "els", PASSWORD)).status_code == 200

    [activated], [logged_in] = await logged(identity, "Activate"), await logged(identity, "LogIn")
    assert (activated.status, logged_in.status) == ("accepted", "accepted")
    [changed] = await recorded(identity, "PasswordChanged")
    [succeeded] = await recorded(identity, "LoginSucceeded")
    assert changed.causation_id == activated.command_id
    assert succeeded.causation_id == logged_in.command_id
    # The holder proved who she is with the code: the change is hers.
    assert changed.actor.account_id == "acc-1"


async def test_issue9_3_a_refused_action_is_logged_with_its_reason_and_keeps_only_the_attempt(
    identity,
):
    command = RegisterPortalAccount(account_id="acc-2", login="jan", role="member")
    assert (await execute(identity, staff("admin"), command)).status == "accepted"
    async with client(identity) as api:
        wrong = await api.post(
            "/activation",
            json={"login": "jan", "activation_code": "not-the-code", "password": PASSWORD},
        )

    assert wrong.status_code == 401 and wrong.json()["code"] == "wrong_code"
    [refused] = await logged(identity, "Activate")
    assert refused.status == "rejected" and "activation code" in refused.reason
    assert await recorded(identity, "PasswordChanged") == []
