"""Identity's HTTP API: registration with a digital key, login, token refresh, closing the
account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from services.identity.adapters.assertions import Assertion, AssertionRefused, verify_assertion
from services.identity.adapters.refresh import RefreshRefused, rotate
from services.identity.adapters.tokens import SessionKey, Tokens, issue_tokens
from services.identity.api import rate_limits
from services.identity.api.problems import access_blocked
from services.identity.config import IdentitySettings
from services.identity.domain.accounts import AccessRefused, Account
from services.identity.domain.second_factors import CODE_PATTERN, SecondFactorRequired
from services.identity.handlers.accounts import log_in
from services.identity.handlers.registration import issue_nonce, register
from services.identity.wiring import wired
from shared.access.http import Authenticated, act
from shared.contracts.identity import CloseAccount
from shared.eventstore import WrongExpectedVersion, unit_of_work
from shared.identifiers import InvalidIdentifier, normalize_insz
from shared.messaging.commands import CommandContext
from shared.problems import Problem, problems
from shared.service import Runtime


class Credentials(BaseModel):
    login: str = Field(
        min_length=1, max_length=64, description="National register number or user name"
    )
    password: str = Field(min_length=1, max_length=256)
    session_key: SessionKey | None = Field(
        None, description="Bind the session's tokens to this key (needed to send commands)"
    )
    totp: str | None = Field(
        None,
        pattern=CODE_PATTERN,
        description="Staff: the 6-digit code of the authenticator app set up at activation",
    )


class NewAccount(BaseModel):
    """What every way of registering asks besides the proof of who the person is."""

    password: str = Field(min_length=12, max_length=256)
    login: str | None = Field(
        None,
        min_length=3,
        max_length=64,
        description="A user name; default: the national register number",
    )
    terms_version: str
    accept_terms: bool

    def require_terms(self, current_version: str) -> None:
        """ID-2: the terms in force, accepted, or no account."""
        if not self.accept_terms or self.terms_version != current_version:
            raise Problem(
                422,
                "terms_not_accepted",
                f"the terms of version {current_version} must be accepted",
            )


class Registration(NewAccount):
    id_token: str = Field(description="The identity provider's signed assertion")


class Nonce(BaseModel):
    nonce: str = Field(description="To be signed into the identity provider's assertion")
    audience: str


class Terms(BaseModel):
    version: str


class Registered(BaseModel):
    account_id: str
    login: str


class Refresh(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["identity"])
    identity = wired(runtime)
    config = identity.settings

    @api.post(
        "/login",
        response_model=Tokens,
        responses=problems(401, 403, 409, 429),
    )
    async def login(credentials: Credentials, request: Request) -> Tokens:
        login_name = _login_name(credentials.login)
        attempt = rate_limits.attempt(wired(runtime).limits, request, f"password:{login_name}")
        key = credentials.session_key
        bound = key.model_dump() if key else None

        async def log_in_with_password(ctx: CommandContext) -> Tokens | None:
            try:
                account = await log_in(ctx, login_name, credentials.password, credentials.totp)
            except SecondFactorRequired as asked:
                raise Problem(401, asked.reason, asked.message) from None
            except AccessRefused as refusal:
                raise access_blocked(refusal.reason) from None
            if account is None:
                return None
            method = "mfa" if account.needs_second_factor else "pwd"
            return await issue_tokens(
                ctx.uow,
                account.account_id,
                account.role,
                method,
                session_key=bound,
                kek=identity.kek,
            )

        try:
            # Nobody is authenticated before it is done: the login is the service's command.
            tokens = await runtime.bus.perform("LogIn", None, log_in_with_password)
        except WrongExpectedVersion:  # concurrent attempts on one account, again and again
            raise Problem(409, "concurrent_change", "too many simultaneous attempts; try again")
        if tokens is None:
            # The same answer, after the same work, whether the login exists or not; with a
            # code, whichever of password and code was wrong.
            wrong = "login, password or code" if credentials.totp else "login or password"
            raise Problem(401, "wrong_credentials", f"wrong {wrong}")
        attempt.succeeded()
        return tokens

    @api.post("/account/close", status_code=204, responses=problems(409))
    async def close_own_account(request: Request, principal: Authenticated) -> None:
        """The user ends the agreement (art 6.1): the account closes at once."""
        await act(request, principal, CloseAccount(account_id=principal.account_id))

    @api.get("/terms", response_model=Terms)
    async def terms() -> Terms:
        """The version of the portal's terms a registration must accept (ID-2)."""
        return Terms(version=config.terms_version)

    @api.post("/registration/nonce")
    async def registration_nonce() -> Nonce:
        """Step 1: a nonce for the identity provider to sign into its assertion."""
        return await new_nonce(runtime, config)

    @api.post(
        "/registration",
        status_code=201,
        response_model=Registered,
        responses=problems(401, 403, 409, 422),
    )
    async def registration(body: Registration) -> Registered:
        """Step 2: the assertion, a password and the accepted terms make a portal account."""
        body.require_terms(config.terms_version)
        assertion, national_register_number = await proved(runtime, config, body.id_token)
        login = body.login or national_register_number

        async def register_with_digital_key(ctx: CommandContext) -> str:
            return await register(ctx, assertion, login, body.password, body.terms_version)

        account_id = await runtime.bus.perform(
            "RegisterWithDigitalKey", None, register_with_digital_key
        )
        return Registered(account_id=account_id, login=login)

    @api.post("/token/refresh", response_model=Tokens, responses=problems(401))
    async def refresh(body: Refresh) -> Tokens:
        """A new token pair for a refresh token, which is spent (rotation)."""

        async def refresh_tokens(ctx: CommandContext) -> Tokens:
            try:
                rotated = await rotate(ctx.uow, body.refresh_token)
            except RefreshRefused as refusal:
                raise Problem(401, "refresh_refused", str(refusal)) from None
            account = await ctx.aggregates.get(Account, rotated.account_id)
            if not account.usable:  # closing and blocking revoke the families; belt and braces
                raise Problem(401, "refresh_refused", "access blocked or account closed")
            return await issue_tokens(
                ctx.uow,
                rotated.account_id,
                account.role,
                rotated.method,
                rotated.refresh_token,
                rotated.session_key,
                kek=identity.kek,
            )

        return await runtime.bus.perform("RefreshTokens", None, refresh_tokens)

    return api


async def new_nonce(runtime: Runtime, config: IdentitySettings) -> Nonce:
    """A nonce for the identity provider to sign into its assertion (registration, login)."""
    async with unit_of_work(runtime.store, runtime.clock) as uow:
        nonce = await issue_nonce(uow)
        await uow.commit()
    return Nonce(nonce=nonce, audience=config.audience)


async def proved(
    runtime: Runtime, config: IdentitySettings, id_token: str
) -> tuple[Assertion, str]:
    """The identity provider's assertion and the national register number it proves; 401 if
    it proves nothing."""
    try:
        assertion = await verify_assertion(
            id_token, config.identity_providers, config.audience, runtime.clock.now()
        )
        return assertion, normalize_insz(assertion.national_register_number)
    except AssertionRefused as refusal:
        raise Problem(401, "assertion_refused", str(refusal)) from None
    except InvalidIdentifier as invalid:  # the reason only: the number is personal data
        raise Problem(
            401, "assertion_refused", f"the assertion's national register number: {invalid.reason}"
        ) from None


def _login_name(login: str) -> str:
    """A national register number however it is typed (85.07.30-033.28), else a user name."""
    try:
        return normalize_insz(login)
    except InvalidIdentifier:
        return login
