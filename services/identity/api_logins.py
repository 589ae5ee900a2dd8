"""Logins without the password (ID-3, ID-8): with a digital key through CSAM (a nonce-bound
assertion of the identity provider), and with the PIN the app set on a device."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from services.identity import rate_limits
from services.identity.assertions import AssertionRefused, verify_assertion
from services.identity.config import IdentitySettings
from services.identity.devices import check_pin
from services.identity.domain.devices import PIN_PATTERN
from services.identity.registration import issue_nonce, spend_nonce
from services.identity.secrets import national_register_logins
from services.identity.sessions import SessionRefused, open_session
from services.identity.tokens import Tokens
from shared.eventstore import UnitOfWork, WrongExpectedVersion, unit_of_work
from shared.identifiers import InvalidIdentifier, normalize_insz
from shared.service import Runtime

REFUSALS = {
    401: {"description": "Not proved, or no account"},
    403: {"description": "Access blocked, with the reason (art 7.6)"},
    409: {"description": "The account changed meanwhile; try again"},
}
THROTTLED = {429: {"description": "Too many attempts: try again after Retry-After seconds"}}


class DigitalKeyLogin(BaseModel):
    id_token: str = Field(description="The identity provider's signed assertion")


class PinLogin(BaseModel):
    device_id: str = Field(min_length=1, max_length=128)
    pin: str = Field(pattern=PIN_PATTERN)


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["identity"])
    config = IdentitySettings()

    @api.post("/login/nonce")
    async def login_nonce() -> dict[str, str]:
        """Step 1 of a digital-key login: a nonce for the identity provider to sign."""
        async with unit_of_work(runtime.store, runtime.clock) as uow:
            nonce = await issue_nonce(uow)
            await uow.commit()
        return {"nonce": nonce, "audience": config.audience}

    @api.post("/login/digital-key", response_model=Tokens, responses=REFUSALS)
    async def digital_key_login(body: DigitalKeyLogin) -> Tokens:
        """Step 2: the assertion logs in the registered person it proves (CSAM, seed 001 art 5),
        and lifts her block for wrong passwords if she had one (ID-4: nobody else can keep her
        out by typing them). Nothing to guess here (a signed assertion, for a nonce spent
        once), so no rate limit."""
        try:
            assertion = await verify_assertion(
                body.id_token, config.identity_providers, config.audience, runtime.clock.now()
            )
            national_register_number = normalize_insz(assertion.national_register_number)
        except AssertionRefused as refusal:
            raise HTTPException(401, str(refusal))
        except InvalidIdentifier as invalid:  # the reason only: the number is personal data
            raise HTTPException(401, f"the assertion's national register number: {invalid.reason}")
        async with unit_of_work(runtime.store, runtime.clock) as uow:
            if not await spend_nonce(uow, assertion.nonce):
                raise HTTPException(401, "the assertion's nonce is unknown, expired or used before")
            account_id = await uow.conn.scalar(
                select(national_register_logins.c.account_id).where(
                    national_register_logins.c.national_register_number == national_register_number
                )
            )
            if account_id is None:
                await uow.commit()  # the assertion is spent all the same
                raise HTTPException(401, "this person has no portal account: register first")
            tokens = await _open(uow, account_id, assertion.method)
        return tokens

    @api.post("/login/pin", response_model=Tokens, responses={**REFUSALS, **THROTTLED})
    async def pin_login(body: PinLogin, request: Request) -> Tokens:
        """The app's quick login; too many wrong PINs revoke the device, too many attempts
        from one address are refused (rate_limits.py)."""
        attempt = rate_limits.attempt(runtime, request)
        async with unit_of_work(runtime.store, runtime.clock) as uow:
            account_id = await check_pin(uow, body.device_id, body.pin)
            if account_id is None:
                await uow.commit()  # the attempt counts
                raise HTTPException(401, "wrong device or PIN")
            tokens = await _open(uow, account_id, "pin")
        attempt.succeeded()
        return tokens

    return api


async def _open(uow: UnitOfWork, account_id: str, method: str) -> Tokens:
    """Opens the session and commits; a refused one still spends what led to it (the nonce,
    the PIN attempt)."""
    try:
        tokens = await open_session(uow, account_id, method)
    except SessionRefused as refusal:
        await uow.commit()
        raise HTTPException(refusal.status, refusal.detail)
    except WrongExpectedVersion:
        raise HTTPException(409, "the account changed meanwhile; try again")
    await uow.commit()
    return tokens
