"""The FastAPI dependency that guards a route (a valid access token of an unblocked user), and
how a route does something as that user: a command through the service's own command bus."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.access.tokens import Principal, Unauthorized, verify_access_token
from shared.contracts import Command, CommandEnvelope, CommandOutcome
from shared.logging import get_logger
from shared.problems import Problem

log = get_logger(__name__)
bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise Problem(401, "token_required", "an access token is required", headers=challenge)
    runtime = request.app.state.runtime
    async with runtime.database.read() as conn:
        try:
            return await verify_access_token(conn, credentials.credentials, runtime.clock.now())
        except Unauthorized as refusal:
            log.info("access.refused", reason=str(refusal))
            raise Problem(
                401, "token_invalid", "invalid, expired or revoked access token", headers=challenge
            ) from None


Authenticated = Annotated[Principal, Depends(current_principal)]


async def act(request: Request, principal: Principal, command: Command) -> CommandOutcome:
    """Runs `command` as the authenticated user; a refusal answers 409 `refused` with its
    reason."""
    runtime = request.app.state.runtime
    envelope = CommandEnvelope(
        type=command.type_name,
        payload=command.model_dump(mode="json"),
        issued_at=runtime.clock.now(),
    )
    outcome = await runtime.bus.execute(envelope, principal.actor)
    if outcome is not None and outcome.status == "rejected":
        raise Problem(409, "refused", outcome.reason or "refused")
    return outcome
