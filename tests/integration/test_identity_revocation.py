"""Issue 8, item 5: a password change revoked nothing; old access and refresh tokens kept
working. Now changing the password, a block and closing the account revoke every refresh token
family of the account, and every service refuses the access tokens issued before, from its own
access projection (`AccessTokensRevoked` through Kafka)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from services.complaints.app import definition as complaints_service
from services.dossier.app import definition as dossier_service
from services.identity.app import definition as identity_service
from shared.contracts.identity import BlockAccess, CloseAccount, UnblockAccess
from tests.support.accounts import PASSWORD, execute, log_in, register, staff
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually

NEW_PASSWORD = "a different long passphrase"
# A route of each service that needs a valid token, and what it answers to one.
GUARDED = {
    "identity": ("/access/persons", 200),
    "dossier": ("/persons", 200),
    "complaints": ("/complaints/2026-000001", 404),
}


@pytest.fixture
async def identity(database_url, kafka, clock):
    async with running(identity_service, database_url, kafka, clock) as runtime:
        yield runtime


@pytest.fixture
async def services(identity, kafka, clock, tmp_path):
    """Identity on the parametrised backend, the dossier and complaints on SQLite files."""
    async with contextlib.AsyncExitStack() as stack:
        runtimes = {"identity": identity}
        for name, definition in (("dossier", dossier_service), ("complaints", complaints_service)):
            url = f"sqlite+aiosqlite:///{tmp_path / name}.sqlite"
            runtimes[name] = await stack.enter_async_context(running(definition, url, kafka, clock))
        yield runtimes


async def test_issue8_5_a_password_change_voids_earlier_tokens_in_every_service(
    services, identity, clock
):
    _, login = await register(identity)
    async with client(identity) as api:
        before = (await log_in(api, login)).json()
        await _accepted_everywhere(services, before["access_token"])

        clock.advance(timedelta(seconds=30))
        changed = await api.post(
            "/account/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers=bearer(before["access_token"]),
        )
        assert changed.status_code == 204

        refreshed = await api.post(
            "/token/refresh", json={"refresh_token": before["refresh_token"]}
        )
        assert refreshed.status_code == 401
        await _refused_everywhere(services, before["access_token"])

        # `iat` has whole seconds: a login a second after the change is a new session.
        clock.advance(timedelta(seconds=1))
        after = (await log_in(api, login, NEW_PASSWORD)).json()
        await _accepted_everywhere(services, after["access_token"])
        again = await api.post("/token/refresh", json={"refresh_token": after["refresh_token"]})
        assert again.status_code == 200


async def test_issue8_5_a_block_voids_earlier_tokens_and_an_unblock_does_not_revive_them(
    services, identity, clock
):
    account_id, login = await register(identity)
    clerk = staff("member_services")
    async with client(identity) as api:
        before = (await log_in(api, login)).json()
        await _accepted_everywhere(services, before["access_token"])
        clock.advance(timedelta(seconds=1))  # the block comes after the token, as it would

        block = BlockAccess(account_id=account_id, reason="suspected_fraud")
        assert (await execute(identity, clerk, block)).status == "accepted"
        # Refused first: a new token accepted before the block arrived would prove nothing.
        await _refused_everywhere(services, before["access_token"])
        unblock = UnblockAccess(account_id=account_id)
        assert (await execute(identity, clerk, unblock)).status == "accepted"

        refreshed = await api.post(
            "/token/refresh", json={"refresh_token": before["refresh_token"]}
        )
        assert refreshed.status_code == 401
        clock.advance(timedelta(seconds=1))
        after = (await log_in(api, login)).json()
        # Accepted, the new token shows each service has applied the unblock: the old one
        # stays refused all the same.
        await _accepted_everywhere(services, after["access_token"])
        await _refused_everywhere(services, before["access_token"], at_once=True)


async def test_issue8_5_the_lockout_by_wrong_passwords_revokes_the_sessions_too(
    services, identity, clock
):
    account_id, login = await register(identity)
    async with client(identity) as api:
        before = (await log_in(api, login)).json()
        clock.advance(timedelta(seconds=1))
        for attempt in range(8):
            await log_in(api, login, "a guess")
        refreshed = await api.post(
            "/token/refresh", json={"refresh_token": before["refresh_token"]}
        )
        await _refused_everywhere(services, before["access_token"])
        unblock = UnblockAccess(account_id=account_id)
        assert (await execute(identity, staff("member_services"), unblock)).status == "accepted"
        clock.advance(timedelta(seconds=1))
        after = (await log_in(api, login)).json()

    assert refreshed.status_code == 401
    await _accepted_everywhere(services, after["access_token"])
    await _refused_everywhere(services, before["access_token"], at_once=True)


async def test_issue8_5_closing_the_account_revokes_its_refresh_tokens(identity):
    account_id, login = await register(identity)
    async with client(identity) as api:
        tokens = (await log_in(api, login)).json()
        closed = await execute(identity, staff("admin"), CloseAccount(account_id=account_id))
        refreshed = await api.post(
            "/token/refresh", json={"refresh_token": tokens["refresh_token"]}
        )

    assert closed.status == "accepted"
    assert refreshed.status_code == 401


async def _accepted_everywhere(services, token: str) -> None:
    for name, runtime in services.items():
        path, answer = GUARDED[name]
        async with client(runtime) as api:
            assert await eventually(lambda: _status_is(api, path, token, answer)), name  # noqa: B023


async def _refused_everywhere(services, token: str, at_once: bool = False) -> None:
    for name, runtime in services.items():
        path, _ = GUARDED[name]
        async with client(runtime) as api:
            if at_once:
                assert await _status_is(api, path, token, 401), name
            else:
                assert await eventually(lambda: _status_is(api, path, token, 401)), name  # noqa: B023


async def _status_is(api, path: str, token: str, status: int) -> bool:
    return (await api.get(path, headers=bearer(token))).status_code == status
