"""The FastAPI dependency that guards a route: a valid access token of an unblocked user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.access.tokens import Principal, Unauthorized, verify_access_token
from shared.logging import get_logger

log = get_logger(__name__)
bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "an access token is required", headers=challenge)
    runtime = request.app.state.runtime
    async with runtime.database.read() as conn:
        try:
            return await verify_access_token(conn, credentials.credentials, runtime.clock.now())
        except Unauthorized as refusal:
            log.info("access.refused", reason=str(refusal))
            raise HTTPException(401, "invalid, expired or revoked access token", headers=challenge)


Authenticated = Annotated[Principal, Depends(current_principal)]
