"""Logins without the password (ID-3, ID-8): with a digital key through CSAM (a nonce-bound
assertion of the identity provider), and with the PIN the app set on a device."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from services.identity.adapters.devices import check_pin
from services.identity.adapters.member_accounts import MemberAccounts
from services.identity.adapters.members import Members
from services.identity.adapters.tokens import Tokens
from services.identity.api import rate_limits
from services.identity.api.accounts import Nonce, new_nonce, proved
from services.identity.api.problems import account_changed
from services.identity.domain.devices import PIN_PATTERN
from services.identity.handlers.registration import spend_nonce
from services.identity.handlers.sessions import open_session
from services.identity.wiring import wired
from shared.eventstore import WrongExpectedVersion
from shared.keys import KeyEncryptionKey
from shared.messaging.commands import CommandContext
from shared.problems import Problem, problems
from shared.service import Runtime


class DigitalKeyLogin(BaseModel):
    id_token: str = Field(description="The identity provider's signed assertion")


class PinLogin(BaseModel):
    device_id: str = Field(min_length=1, max_length=128)
    pin: str = Field(pattern=PIN_PATTERN)


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["identity"])
    identity = wired(runtime)
    config = identity.settings

    @api.post("/login/nonce")
    async def login_nonce() -> Nonce:
        """Step 1 of a digital-key login: a nonce for the identity provider to sign."""
        return await new_nonce(runtime, config)

    @api.post("/login/digital-key", response_model=Tokens, responses=problems(401, 403, 409))
    async def digital_key_login(body: DigitalKeyLogin) -> Tokens:
        """Step 2: the assertion logs in the registered person it proves (CSAM, seed 001 art 5),
        and lifts her block for wrong passwords if she had one (ID-4: nobody else can keep her
        out by typing them). Nothing to guess here (a signed assertion, for a nonce spent
        once), so no rate limit."""
        assertion, national_register_number = await proved(runtime, config, body.id_token)

        async def log_in_with_digital_key(ctx: CommandContext) -> Tokens:
            if not await spend_nonce(ctx.uow, assertion.nonce):
                raise Problem(
                    401, "nonce_spent", "the assertion's nonce is unknown, expired or used before"
                )
            member = await ctx.uow.view(Members).find(national_register_number)
            account_id = member and await ctx.uow.view(MemberAccounts).account_of(member.person_id)
            if account_id is None:
                await ctx.uow.commit()  # the assertion is spent all the same
                raise Problem(
                    401, "not_registered", "this person has no portal account: register first"
                )
            return await _open(ctx, account_id, assertion.method, identity.kek)

        try:
            return await runtime.bus.perform("LogInWithDigitalKey", None, log_in_with_digital_key)
        except WrongExpectedVersion:
            raise account_changed() from None

    @api.post("/login/pin", response_model=Tokens, responses=problems(401, 403, 409, 429))
    async def pin_login(body: PinLogin, request: Request) -> Tokens:
        """The app's quick login; too many wrong PINs revoke the device, too many attempts
        from one address are refused (api/rate_limits.py)."""
        attempt = rate_limits.attempt(wired(runtime).limits, request)

        async def log_in_with_pin(ctx: CommandContext) -> Tokens:
            account_id = await check_pin(ctx.uow, ctx.aggregates, body.device_id, body.pin)
            if account_id is None:
                await ctx.uow.commit()  # the attempt counts
                raise Problem(401, "wrong_pin", "wrong device or PIN")
            return await _open(ctx, account_id, "pin", identity.kek)

        try:
            tokens = await runtime.bus.perform("LogInWithPin", None, log_in_with_pin)
        except WrongExpectedVersion:
            raise account_changed() from None
        attempt.succeeded()
        return tokens

    return api


async def _open(ctx: CommandContext, account_id: str, method: str, kek: KeyEncryptionKey) -> Tokens:
    """Opens the session; a refused one still spends what led to it (the nonce, the PIN
    attempt)."""
    try:
        return await open_session(ctx, account_id, method, kek)
    except Problem:
        await ctx.uow.commit()
        raise
