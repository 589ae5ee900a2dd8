"""Portal accounts in identity under test: staff commands done in-process by an actor already
authenticated (as identity's own HTTP routes do them, through the service's command bus), and
password logins over its HTTP API."""

from __future__ import annotations

import uuid

from services.identity import activation
from shared.contracts import Actor, Command, CommandEnvelope, CommandOutcome
from shared.contracts.identity import RegisterPortalAccount
from shared.eventstore import unit_of_work
from shared.service import Runtime
from tests.support.http import client

PASSWORD = "correct horse battery staple"


def staff(role: str, account_id: str | None = None) -> Actor:
    return Actor(
        account_id=account_id or f"{role}-{uuid.uuid4().hex[:8]}", role=role, authenticated_by="pwd"
    )


async def execute(runtime: Runtime, actor: Actor, command: Command) -> CommandOutcome:
    envelope = CommandEnvelope(
        type=command.type_name,
        payload=command.model_dump(mode="json"),
        issued_at=runtime.clock.now(),
    )
    outcome = await runtime.bus.execute(envelope, actor)
    assert outcome is not None, "a new command is never a duplicate"
    return outcome


async def register(runtime: Runtime, role: str = "member") -> tuple[str, str]:
    """A new account with `role`, registered by an administrator; returns (account id, login)."""
    account_id, login = str(uuid.uuid4()), f"{role}-{uuid.uuid4().hex[:8]}"
    command = RegisterPortalAccount(account_id=account_id, login=login, role=role)
    outcome = await execute(runtime, staff("admin"), command)
    assert outcome.status == "accepted", outcome.reason
    await activate(runtime, account_id, login)
    return account_id, login


async def activate(runtime: Runtime, account_id: str, login: str, password: str = PASSWORD):
    """The holder sets their password with an activation code (identity's HTTP API), as an
    administrator would have handed it to them."""
    async with unit_of_work(runtime.store, runtime.clock) as uow:
        code = await activation.issue(uow, account_id)
        await uow.commit()
    async with client(runtime) as api:
        answer = await api.post(
            "/activation", json={"login": login, "activation_code": code, "password": password}
        )
    assert answer.status_code == 204, answer.text


async def log_in(api, login: str, password: str = PASSWORD):
    return await api.post("/login", json={"login": login, "password": password})
