"""Portal accounts in identity under test: staff commands done in-process by an actor already
authenticated (as identity's own HTTP routes do them, through the service's command bus), and
password logins over its HTTP API, with the code of a staff member's authenticator app."""

from __future__ import annotations

import uuid

import pyotp

from services.identity.adapters import activation
from shared.clock import Clock
from shared.contracts import Actor, Command, CommandEnvelope, CommandOutcome
from shared.contracts.identity import RegisterPortalAccount
from shared.eventstore import unit_of_work
from shared.service import Runtime
from tests.support.http import client

PASSWORD = "correct horse battery staple"


class Authenticator:
    """A staff member's authenticator app, on the clock of the service it logs in to. Identity
    takes each 30-second step's code once: a second login within a step uses the next step's
    code, which identity still accepts (one step either way)."""

    def __init__(self, secret: str, clock: Clock) -> None:
        self.totp, self.clock = pyotp.TOTP(secret), clock
        self.last_accepted = self.offered = 0

    def code(self) -> str:
        self.offered = max(self.totp.timecode(self.clock.now()), self.last_accepted + 1)
        return self.totp.generate_otp(self.offered)

    def accepted(self) -> None:
        """Identity took the last code offered: its step is used up."""
        self.last_accepted = self.offered

    def wrong_code(self) -> str:
        """A code that none of the steps identity accepts now gives."""
        now = self.totp.timecode(self.clock.now())
        right = {self.totp.generate_otp(step) for step in (now - 1, now, now + 1)}
        return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


# The authenticator of every staff account `register` opened, by login (logins are random).
AUTHENTICATORS: dict[str, Authenticator] = {}


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
    administrator would have handed it to them; a staff member's authenticator is kept in
    AUTHENTICATORS. Returns the answer's body."""
    async with unit_of_work(runtime.store, runtime.clock) as uow:
        code = await activation.issue(uow, account_id)
        await uow.commit()
    async with client(runtime) as api:
        answer = await api.post(
            "/activation", json={"login": login, "activation_code": code, "password": password}
        )
    assert answer.status_code == 200, answer.text
    second_factor = answer.json()["second_factor"]
    if second_factor is not None:
        AUTHENTICATORS[login] = Authenticator(second_factor["secret"], runtime.clock)
    return answer.json()


async def log_in(
    api, login: str, password: str = PASSWORD, authenticator: Authenticator | None = None
):
    """A password login; with the code of the login's authenticator, if it has one."""
    authenticator = authenticator or AUTHENTICATORS.get(login)
    body = {"login": login, "password": password}
    if authenticator is not None:
        body["totp"] = authenticator.code()
    answer = await api.post("/login", json=body)
    if authenticator is not None and answer.status_code == 200:
        authenticator.accepted()
    return answer
