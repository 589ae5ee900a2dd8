"""My LM registration without a digital key (ID-1, seed 001 art 4): a member number or national
register number, a one-time code sent to the e-mail address or mobile number in the dossier,
then the code with a password and the accepted terms."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from pydantic import BaseModel, Field, model_validator

from services.identity.adapters.codes import prove, request_code
from services.identity.adapters.delivery import deliver
from services.identity.adapters.members import Member, Members
from services.identity.api import rate_limits
from services.identity.api.accounts import NewAccount, Registered
from services.identity.domain.one_time_codes import (
    CODE_LIFETIME,
    Channel,
    code_message,
    verified_by,
)
from services.identity.handlers.registration import open_account
from services.identity.wiring import wired
from shared.eventstore import unit_of_work
from shared.identifiers import InvalidIdentifier, normalize_insz
from shared.messaging.commands import CommandContext
from shared.notifying import Senders
from shared.problems import Problem, problems
from shared.service import Runtime

SENT = "If we know you and your dossier holds that address, the code is on its way."


class CodeRequest(BaseModel):
    member_number: str | None = Field(
        None, min_length=1, max_length=64, description="The number of the member booklet"
    )
    national_register_number: str | None = Field(None, min_length=1, max_length=20)
    channel: Channel = Field(description="email or sms, to the address in the dossier")

    @model_validator(mode="after")
    def one_identifier(self) -> CodeRequest:
        if (self.member_number is None) == (self.national_register_number is None):
            raise ValueError("give either a member number or a national register number")
        return self


class CodeRequested(BaseModel):
    request_id: str
    expires_in: int
    message: str = SENT


class CodeRegistration(NewAccount):
    request_id: str = Field(min_length=1, max_length=64)
    code: str = Field(pattern=r"^[0-9]{6}$")


def router(runtime: Runtime, senders: Senders | None = None) -> APIRouter:
    api = APIRouter(tags=["identity"])
    config = wired(runtime).settings
    senders = senders or wired(runtime).senders

    @api.post(
        "/registration/code", status_code=202, response_model=CodeRequested, responses=problems(422)
    )
    async def registration_code(body: CodeRequest, background: BackgroundTasks) -> CodeRequested:
        """Step 1: the same answer whether or not the person is known (no member enumeration);
        the code goes out after the answer, so its delivery does not show in the timing."""
        async with unit_of_work(runtime.store, runtime.clock) as uow:
            person = await _person(uow.conn, body)
            request_id, delivery = await request_code(uow, person, body.channel)
            await uow.commit()
        if delivery is not None:
            message = code_message(delivery.code)
            sender = senders.of(body.channel)
            background.add_task(deliver, sender, body.channel, delivery.to, message)
        return CodeRequested(request_id=request_id, expires_in=int(CODE_LIFETIME.total_seconds()))

    @api.post(
        "/registration/code/confirm",
        status_code=201,
        response_model=Registered,
        responses=problems(401, 403, 409, 422, 429),
    )
    async def confirm_registration_code(body: CodeRegistration, request: Request) -> Registered:
        """Step 2: the code, a password and the accepted terms make a portal account. Too many
        attempts from one address are refused before the code is looked at (api/rate_limits.py)."""
        body.require_terms(config.terms_version)
        attempt = rate_limits.attempt(wired(runtime).limits, request)

        async def register_with_code(ctx: CommandContext) -> Registered:
            proved = await prove(ctx.uow, body.request_id, body.code)
            if proved is None:
                await ctx.uow.commit()  # the attempt counts
                raise Problem(401, "wrong_code", "wrong, expired or used code")
            login = body.login or proved.national_register_number
            account_id = await open_account(
                ctx,
                proved.national_register_number,
                login,
                body.password,
                body.terms_version,
                verified_by(proved.channel),
            )
            return Registered(account_id=account_id, login=login)

        registered = await runtime.bus.perform("RegisterWithCode", None, register_with_code)
        attempt.succeeded()
        return registered

    return api


async def _person(conn, body: CodeRequest) -> Member | None:
    if body.member_number is not None:
        return await Members(conn).holder_of(body.member_number)
    try:
        national_register_number = normalize_insz(body.national_register_number)
    except InvalidIdentifier as invalid:  # the reason only: the number is personal data
        raise Problem(422, "invalid_national_register_number", invalid.reason) from None
    return await Members(conn).find(national_register_number)
