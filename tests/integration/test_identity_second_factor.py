"""Issue 8, item 3: staff accounts need a second factor. Activating a staff account with its
activation code sets up an authenticator app (TOTP) whose secret only that HTTPS answer shows;
a staff login then needs its code besides the password, each code once. The operator gives the
first administrator its authenticator (IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET), also to an
`admin` from before second factors."""

from __future__ import annotations

import uuid

import jwt
import pyotp
import pytest
from sqlalchemy import insert, select, update

from services.identity.adapters.administrators import Administrators
from services.identity.adapters.passwords import hash_password
from services.identity.adapters.private_tables import credentials
from services.identity.adapters.totp import second_factors
from services.identity.app import definition as identity_service
from shared.contracts import new_id
from shared.contracts.identity import PortalAccountRegistered, RegisterPortalAccount
from shared.eventstore import PendingEvent, unit_of_work
from tests.support.accounts import (
    AUTHENTICATORS,
    PASSWORD,
    Authenticator,
    activate,
    execute,
    log_in,
    register,
    staff,
)
from tests.support.http import client
from tests.support.recorded import recorded
from tests.support.services import running

ADMIN_PASSWORD = "the operator's own long password"


@pytest.fixture
async def identity(database_url, kafka, clock):
    async with running(identity_service, database_url, kafka, clock) as runtime:
        yield runtime


async def test_issue8_3_activating_a_staff_account_shows_its_authenticator_once(identity):
    account_id, login = str(uuid.uuid4()), f"handler-{uuid.uuid4().hex[:8]}"
    command = RegisterPortalAccount(account_id=account_id, login=login, role="complaints_handler")
    assert (await execute(identity, staff("admin"), command)).status == "accepted"

    activated = await activate(identity, account_id, login)

    second_factor = activated["second_factor"]
    assert second_factor["method"] == "totp"
    assert second_factor["provisioning_uri"].startswith(f"otpauth://totp/mutualis:{login}?")
    assert f"secret={second_factor['secret']}" in second_factor["provisioning_uri"]
    [enrolled] = await recorded(identity, "SecondFactorEnrolled")
    assert enrolled.payload == {"account_id": account_id, "method": "totp"}
    for event_type in ("PortalAccountRegistered", "PasswordChanged", "SecondFactorEnrolled"):
        for event in await recorded(identity, event_type):
            assert second_factor["secret"] not in event.model_dump_json(), event_type
    # A member proves herself with a digital key: her activation sets up nothing.
    _, member_login = await register(identity, "member")
    assert member_login not in AUTHENTICATORS


async def test_issue8_3_a_staff_login_needs_the_code_and_each_code_opens_one_session(identity):
    _, login = await register(identity, "complaints_handler")
    app = AUTHENTICATORS[login]
    async with client(identity) as api:
        asked = await _post(api, login, PASSWORD)
        asked_anyway = await _post(api, login, "a guess")
        wrong_code = await _post(api, login, PASSWORD, app.wrong_code())
        wrong_password = await _post(api, login, "a guess", app.code())
        code = app.code()
        logged_in = await _post(api, login, PASSWORD, code)
        replayed = await _post(api, login, PASSWORD, code)

    # Asked for a code whatever the password: the question tests no password.
    assert asked.status_code == asked_anyway.status_code == 401
    assert asked.json() == asked_anyway.json()
    assert asked.json()["code"] == "totp_required"
    # Wrong code or wrong password: one answer, which tells neither.
    assert wrong_code.status_code == wrong_password.status_code == replayed.status_code == 401
    assert wrong_code.json() == wrong_password.json() == replayed.json()
    assert wrong_code.json()["detail"] == "wrong login, password or code"
    assert logged_in.status_code == 200
    claims = jwt.decode(logged_in.json()["access_token"], options={"verify_signature": False})
    assert claims["amr"] == ["mfa"]
    # The wrong code and the replay after the right password are recorded, the asking not.
    failed = await recorded(identity, "SecondFactorFailed")
    assert [e.payload["consecutive_failures"] for e in failed] == [1, 1]
    assert len(await recorded(identity, "LoginFailed")) == 1


async def test_issue8_3_the_first_administrator_gets_the_operators_authenticator(
    database_url, kafka, clock, monkeypatch
):
    secret = pyotp.random_base32()
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET", secret)
    async with (
        running(identity_service, database_url, kafka, clock) as identity,
        client(identity) as api,
    ):
        without = await log_in(api, "admin", ADMIN_PASSWORD)
        logged_in = await log_in(api, "admin", ADMIN_PASSWORD, Authenticator(secret, clock))

    assert without.status_code == 401 and logged_in.status_code == 200


async def test_issue8_3_an_admin_from_before_second_factors_gets_the_operators_authenticator(
    database_url, kafka, clock, monkeypatch
):
    async with running(identity_service, database_url, kafka, clock) as identity:
        admin_id = await _an_admin_registered_before_second_factors(identity)

    secret = pyotp.random_base32()
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", "a new password nobody uses")
    monkeypatch.setenv("IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET", secret)
    async with running(identity_service, database_url, kafka, clock) as identity:
        async with client(identity) as api:
            # Its own password still (it was usable: nothing recovered), with the authenticator.
            logged_in = await log_in(api, "admin", PASSWORD, Authenticator(secret, clock))
        [enrolled] = await recorded(identity, "SecondFactorEnrolled")
        recovered = await recorded(identity, "AdministratorRecovered")

    assert logged_in.status_code == 200
    assert enrolled.payload["account_id"] == admin_id and enrolled.actor is None
    assert recovered == []


async def _an_admin_registered_before_second_factors(identity) -> str:
    """As an earlier version of identity left it: registered, with a password, no authenticator."""
    account_id = str(uuid.uuid4())
    registered = PortalAccountRegistered(account_id=account_id, login="admin", role="admin")
    async with unit_of_work(identity.store, identity.clock) as uow:
        await uow.conn.execute(
            insert(credentials).values(
                login="admin", account_id=account_id, password_hash=await hash_password(PASSWORD)
            )
        )
        await uow.view(Administrators).enrol(account_id)
        pending = [PendingEvent(registered, new_id())]
        await uow.append(f"account-{account_id}", 0, pending, correlation_id=new_id())
        await uow.commit()
    return account_id


async def _post(api, login: str, password: str, code: str | None = None):
    body = {"login": login, "password": password}
    if code is not None:
        body["totp"] = code
    return await api.post("/login", json=body)


async def test_issue10_a_totp_secret_is_kept_only_wrapped_and_old_ones_are_wrapped_at_start(
    database_url, kafka, clock
):
    account_id, login = str(uuid.uuid4()), f"handler-{uuid.uuid4().hex[:8]}"
    async with running(identity_service, database_url, kafka, clock) as identity:
        command = RegisterPortalAccount(account_id=account_id, login=login, role="mediator")
        assert (await execute(identity, staff("admin"), command)).status == "accepted"
        secret = (await activate(identity, account_id, login))["second_factor"]["secret"]
        async with identity.database.read() as conn:
            stored = (await conn.execute(select(second_factors))).all()
        # As a row from before identity_0013 holds it: in clear.
        async with identity.database.begin() as conn:
            await conn.execute(
                update(second_factors)
                .where(second_factors.c.account_id == account_id)
                .values(secret=secret, secret_wrapped=None)
            )
    async with running(identity_service, database_url, kafka, clock) as identity:
        async with identity.database.read() as conn:
            row = (
                await conn.execute(
                    select(second_factors).where(second_factors.c.account_id == account_id)
                )
            ).one()
        async with client(identity) as api:
            code = pyotp.TOTP(secret).at(clock.now())
            answer = await api.post(
                "/login", json={"login": login, "password": PASSWORD, "totp": code}
            )

    assert all(secret not in repr(tuple(r)) for r in stored)
    assert {r.secret for r in stored} == {None}
    assert row.secret is None and row.secret_wrapped
    assert answer.status_code == 200, answer.text
