"""How an account gets a password without one travelling on Kafka (issue 8): an administrator
asks for an activation code over HTTPS and hands it to the account's holder, who sets their
password with it. The same code resets a forgotten staff password. A staff account gets a new
authenticator app (TOTP) with it too, whose secret this answer alone ever shows: staff log in
with both (domain/second_factors.py)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import update

from services.identity.adapters import activation, totp
from services.identity.adapters.passwords import hash_password
from services.identity.adapters.private_tables import credentials
from services.identity.api import rate_limits
from services.identity.api.problems import account_refusals
from services.identity.domain.accounts import Account
from services.identity.handlers.saving import save_accounts
from services.identity.wiring import wired
from shared.access.http import Authenticated
from shared.contracts import Actor
from shared.messaging.commands import CommandContext
from shared.problems import Problem, problems
from shared.service import Runtime


class ActivationCode(BaseModel):
    activation_code: str
    expires_in_days: int


class Activation(BaseModel):
    login: str = Field(min_length=1, max_length=64)
    activation_code: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=12, max_length=256)


class SecondFactor(BaseModel):
    """The authenticator app to set up now: shown once, never again."""

    method: Literal["totp"] = "totp"
    secret: str = Field(description="Base32, to type into the authenticator app")
    provisioning_uri: str = Field(description="The otpauth:// URI, for a QR code")


class Activated(BaseModel):
    login: str
    second_factor: SecondFactor | None = Field(
        None, description="Staff: the authenticator whose codes every login needs from now on"
    )


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["identity"])

    @api.post(
        "/accounts/{account_id}/activation-code",
        response_model=ActivationCode,
        responses=problems(403, 409),
    )
    async def activation_code(account_id: str, principal: Authenticated) -> ActivationCode:
        """For the administrator to hand to the account's holder, in person or by a channel of
        the fund's; an earlier code stops working."""
        if principal.role != "admin":
            raise Problem(403, "role_not_allowed", "only an administrator issues activation codes")

        async def issue_activation_code(ctx: CommandContext) -> str:
            with account_refusals():
                account = await ctx.aggregates.get(Account, account_id)
                account.issue_activation_code(by=principal.actor)
                await save_accounts(ctx.aggregates, account)
            return await activation.issue(ctx.uow, account_id)

        code = await runtime.bus.perform(
            "IssueActivationCode", principal.actor, issue_activation_code
        )
        return ActivationCode(activation_code=code, expires_in_days=activation.LIFETIME.days)

    @api.post(
        "/activation",
        response_model=Activated,
        responses=problems(401, 409, 429),
    )
    async def activate(body: Activation, request: Request) -> Activated:
        """The holder sets their password with the code (a staff member gets a new
        authenticator too); earlier sessions end."""
        attempt = rate_limits.attempt(wired(runtime).limits, request, f"activation:{body.login}")

        async def activate_account(ctx: CommandContext) -> Activated:
            uow = ctx.uow
            account_id = await activation.redeem(uow, body.login, body.activation_code)
            if account_id is None:
                await uow.commit()  # the wrong try counts
                raise Problem(401, "wrong_code", "wrong, used or expired activation code")
            account = await ctx.aggregates.get(Account, account_id)
            with account_refusals():
                account.change_password()
                if account.needs_second_factor:
                    account.enrol_second_factor()
            await uow.conn.execute(
                update(credentials)
                .where(credentials.c.account_id == account_id)
                .values(password_hash=await hash_password(body.password))
            )
            second_factor = None
            if account.needs_second_factor:
                set_up = await totp.enrol(uow, account_id, account.login)
                second_factor = SecondFactor(secret=set_up.secret, provisioning_uri=set_up.uri)
            # Who activated is known once the account says its role.
            holder = Actor(account_id=account_id, role=account.role, authenticated_by="otp")
            await save_accounts(ctx.acting_as(holder), account)
            return Activated(login=account.login, second_factor=second_factor)

        activated = await runtime.bus.perform("Activate", None, activate_account)
        attempt.succeeded()
        return activated

    return api
