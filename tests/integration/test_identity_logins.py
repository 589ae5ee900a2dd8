"""ID-3: login with a digital key (CSAM); ID-8: changing the password, and the app's PIN set
after a digital-key login, with wrong PINs revoking the device."""

from __future__ import annotations

import jwt
import pytest
from sqlalchemy import select

from services.identity.app import definition as identity_service
from shared.access.read_model import signing_keys
from shared.contracts.identity import BlockAccess
from tests.support.accounts import execute, staff
from tests.support.http import bearer, client
from tests.support.identity_provider import signed_assertion
from tests.support.members import enrol
from tests.support.recorded import recorded
from tests.support.services import running
from tests.support.waiting import eventually

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a different long passphrase"
INSZ = "85073003328"
DEVICE = "phone-of-els"


@pytest.fixture
async def service(database_url, kafka, provider, clock):
    async with running(identity_service, database_url, kafka, clock) as runtime:
        yield runtime


@pytest.fixture
async def identity(service):
    async with client(service) as api:
        yield api


@pytest.fixture
async def registered(identity, service, kafka, provider) -> str:
    """A member registered with a digital key; their login is their national register number."""
    await enrol(kafka, service, INSZ)
    token = await signed_assertion(identity, provider, "/registration/nonce", INSZ)
    body = {"id_token": token, "password": PASSWORD, "terms_version": "2026-01"}
    answer = await identity.post("/registration", json={**body, "accept_terms": True})
    assert answer.status_code == 201, answer.text
    # Routes for logged-in users verify tokens once identity's own projection has its key.
    assert await eventually(lambda: _knows_a_signing_key(service))
    return answer.json()["account_id"]


async def key_login(identity, provider, method: str = "csam"):
    token = await signed_assertion(identity, provider, "/login/nonce", INSZ, method=method)
    return await identity.post("/login/digital-key", json={"id_token": token})


async def password_login(identity, password: str = PASSWORD):
    return await identity.post("/login", json={"login": INSZ, "password": password})


async def pin_login(identity, pin: str, device_id: str = DEVICE):
    return await identity.post("/login/pin", json={"device_id": device_id, "pin": pin})


def amr(tokens: dict) -> list[str]:
    return jwt.decode(tokens["access_token"], options={"verify_signature": False})["amr"]


async def test_id3_a_registered_member_logs_in_with_a_digital_key(
    identity, provider, service, registered
):
    logged_in = await key_login(identity, provider, method="csam")

    assert logged_in.status_code == 200 and amr(logged_in.json()) == ["csam"]
    [login] = await recorded(service, "LoginSucceeded")
    assert login.payload["account_id"] == registered
    assert login.actor.authenticated_by == "csam"
    # ID-9: the session keeps saying how it was opened when its tokens are refreshed.
    refresh = {"refresh_token": logged_in.json()["refresh_token"]}
    refreshed = await identity.post("/token/refresh", json=refresh)
    assert refreshed.status_code == 200 and amr(refreshed.json()) == ["csam"]


async def test_id3_a_digital_key_login_is_refused_without_an_account_or_with_a_replayed_nonce(
    identity, provider, service, kafka
):
    await enrol(kafka, service, INSZ)
    token = await signed_assertion(identity, provider, "/login/nonce", INSZ)

    unknown = await identity.post("/login/digital-key", json={"id_token": token})
    replayed = await identity.post("/login/digital-key", json={"id_token": token})

    assert unknown.status_code == 401 and "no portal account" in unknown.json()["detail"]
    assert replayed.status_code == 401 and "used before" in replayed.json()["detail"]


async def test_id3_a_blocked_account_is_refused_with_the_reason_by_digital_key_and_by_pin(
    identity, provider, service, registered
):
    tokens = (await key_login(identity, provider)).json()
    headers = bearer(tokens["access_token"])
    await identity.post("/devices", json={"device_id": DEVICE, "pin": "24680"}, headers=headers)
    # ID-5: a block by staff. (One by wrong passwords a digital key lifts: issue 8 item 3,
    # test_identity_lockout.py.)
    block = BlockAccess(account_id=registered, reason="suspected_fraud")
    assert (await execute(service, staff("member_services"), block)).status == "accepted"

    by_key = await key_login(identity, provider)
    by_pin = await pin_login(identity, "24680")

    assert by_key.status_code == by_pin.status_code == 403
    for answer in (by_key, by_pin):
        assert (answer.json()["code"], answer.json()["block_reason"]) == (
            "access_blocked",
            "suspected_fraud",
        )


async def test_id8_the_user_changes_the_password(identity, service, registered):
    token = (await password_login(identity)).json()["access_token"]

    wrong = await identity.post(
        "/account/password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    too_short = await identity.post(
        "/account/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=bearer(token),
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_password"
    assert too_short.status_code == 422
    assert (await password_login(identity)).status_code == 200  # nothing changed

    changed = await identity.post(
        "/account/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )

    assert changed.status_code == 204
    assert (await password_login(identity)).status_code == 401
    assert (await password_login(identity, NEW_PASSWORD)).status_code == 200
    [event] = await recorded(service, "PasswordChanged")
    assert event.payload == {"account_id": registered}  # no secret in the event


async def test_id8_a_pin_is_set_only_after_a_login_with_a_digital_key(
    identity, provider, service, registered
):
    by_password = (await password_login(identity)).json()
    by_key = (await key_login(identity, provider, method="eid")).json()
    device = {"device_id": DEVICE, "pin": "13579"}

    refused = await identity.post(
        "/devices", json=device, headers=bearer(by_password["access_token"])
    )
    accepted = await identity.post("/devices", json=device, headers=bearer(by_key["access_token"]))
    logged_in = await pin_login(identity, "13579")

    assert refused.status_code == 403 and accepted.status_code == 201
    assert logged_in.status_code == 200 and amr(logged_in.json()) == ["pin"]
    [event] = await recorded(service, "AppDeviceRegistered")
    assert event.payload == {"account_id": registered, "device_id": DEVICE}
    assert event.actor.authenticated_by == "eid"


async def test_id8_five_wrong_pins_in_a_row_revoke_the_device(
    identity, provider, service, registered
):
    token = (await key_login(identity, provider)).json()["access_token"]
    device = {"device_id": DEVICE, "pin": "13579"}
    await identity.post("/devices", json=device, headers=bearer(token))
    for attempt in range(4):
        assert (await pin_login(identity, "00000")).status_code == 401
    assert (await pin_login(identity, "13579")).status_code == 200  # the count starts again

    for attempt in range(5):
        assert (await pin_login(identity, "00000")).status_code == 401
    revoked = await pin_login(identity, "13579")

    assert revoked.status_code == 401
    [event] = await recorded(service, "AppDeviceRevoked")
    assert event.payload == {"account_id": registered, "device_id": DEVICE, "reason": "failed_pins"}
    # A new digital-key login may set a PIN again.
    again = await identity.post("/devices", json=device, headers=bearer(token))
    assert again.status_code == 201 and (await pin_login(identity, "13579")).status_code == 200


async def test_id8_an_unknown_device_gets_the_same_answer_as_a_wrong_pin(
    identity, provider, registered
):
    token = (await key_login(identity, provider)).json()["access_token"]
    await identity.post(
        "/devices", json={"device_id": DEVICE, "pin": "13579"}, headers=bearer(token)
    )

    wrong_pin = await pin_login(identity, "00000")
    unknown = await pin_login(identity, "13579", device_id="someone-elses-phone")

    assert wrong_pin.status_code == unknown.status_code == 401
    assert wrong_pin.json() == unknown.json()


async def _knows_a_signing_key(service) -> bool:
    async with service.database.read() as conn:
        return await conn.scalar(select(signing_keys.c.key_id).limit(1)) is not None
