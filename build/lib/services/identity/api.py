"""Identity's HTTP API: logging in to the portal."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from services.identity import handlers
from services.identity.domain.accounts import AccessRefused
from services.identity.tokens import ACCESS_TOKEN_LIFETIME, issue_access_token
from shared.contracts import new_id
from shared.eventstore import WrongExpectedVersion, unit_of_work
from shared.service import Runtime


class Credentials(BaseModel):
    login: str = Field(
        min_length=1, max_length=64, description="National register number or user name"
    )
    password: str = Field(min_length=1, max_length=256)


class Tokens(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["identity"])

    @api.post(
        "/login",
        response_model=Tokens,
        responses={
            401: {"description": "Wrong login or password"},
            403: {"description": "Access blocked, with the reason (art 7.6)"},
        },
    )
    async def login(credentials: Credentials) -> Tokens:
        for _ in range(5):  # concurrent attempts on one account: decide again on the new count
            try:
                async with unit_of_work(runtime.store, runtime.clock) as uow:
                    account = await handlers.log_in(
                        uow, credentials.login, credentials.password, new_id()
                    )
                    token = None
                    if account is not None:
                        token = await issue_access_token(
                            uow, account.account_id, account.role, uow.clock.now()
                        )
                    await uow.commit()
                break
            except WrongExpectedVersion:
                continue
            except AccessRefused as refusal:
                raise HTTPException(403, {"message": "access blocked", "reason": refusal.reason})
        else:
            raise HTTPException(409, "too many simultaneous attempts; try again")
        if token is None:
            # The same answer, after the same work, whether the login exists or not.
            raise HTTPException(401, "wrong login or password")
        return Tokens(access_token=token, expires_in=int(ACCESS_TOKEN_LIFETIME.total_seconds()))

    return api
