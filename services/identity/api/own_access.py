"""What a logged-in user changes of their own access (ID-8): the password, and the PIN of the
app on a device, which only a session opened with a digital key may set (seed 000)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select, update

from services.identity.adapters.devices import register_device
from services.identity.adapters.passwords import hash_password, verify_password
from services.identity.adapters.private_tables import credentials
from services.identity.api.problems import account_refusals
from services.identity.domain.accounts import Account
from services.identity.domain.devices import PIN_PATTERN, may_set_pin
from services.identity.handlers.saving import save_accounts
from shared.access.http import Authenticated
from shared.eventstore import UnitOfWork
from shared.messaging.commands import CommandContext
from shared.problems import Problem, problems
from shared.service import Runtime


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=12, max_length=256)


class Device(BaseModel):
    device_id: str = Field(min_length=1, max_length=128)
    pin: str = Field(pattern=PIN_PATTERN, description="5 digits")


class DeviceAdded(BaseModel):
    device_id: str


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["identity"])

    @api.post("/account/password", status_code=204, responses=problems(403, 409))
    async def change_password(body: PasswordChange, principal: Authenticated) -> None:
        """A wrong current password changes nothing (and blocks nothing: the user is logged in)."""

        async def change(ctx: CommandContext) -> None:
            uow = ctx.uow
            if not await _password_is(uow, principal.account_id, body.current_password):
                raise Problem(403, "wrong_password", "wrong current password")
            with account_refusals():
                account = await ctx.aggregates.get(Account, principal.account_id)
                account.change_password()
                await uow.conn.execute(
                    update(credentials)
                    .where(credentials.c.account_id == principal.account_id)
                    .values(password_hash=await hash_password(body.new_password))
                )
                await save_accounts(ctx.aggregates, account)

        await runtime.bus.perform("ChangePassword", principal.actor, change)

    @api.post("/devices", status_code=201, responses=problems(403, 409))
    async def add_device(body: Device, principal: Authenticated) -> DeviceAdded:
        """Sets the app's PIN on this device, right after a login with a digital key."""
        if not may_set_pin(principal.authenticated_by):
            raise Problem(
                403, "digital_key_required", "a PIN is set only after a login with a digital key"
            )

        async def add(ctx: CommandContext) -> None:
            with account_refusals():
                account = await ctx.aggregates.get(Account, principal.account_id)
                await register_device(ctx.uow, ctx.aggregates, account, body.device_id, body.pin)

        await runtime.bus.perform("AddDevice", principal.actor, add)
        return DeviceAdded(device_id=body.device_id)

    return api


async def _password_is(uow: UnitOfWork, account_id: str, password: str) -> bool:
    query = select(credentials.c.password_hash).where(credentials.c.account_id == account_id)
    return await verify_password(await uow.conn.scalar(query), password)
