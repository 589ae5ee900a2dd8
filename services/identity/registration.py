"""Registration for the portal with a digital key (ID-1) and acceptance of the terms (ID-2)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from sqlalchemy import insert, select, update

from services.identity.assertions import Assertion
from services.identity.domain.accounts import Account, stream_id
from services.identity.passwords import hash_password
from services.identity.secrets import credentials, registration_nonces
from shared.contracts.identity import TermsAccepted
from shared.contracts import new_id
from shared.eventstore import PendingEvent, UnitOfWork

NONCE_LIFETIME = timedelta(minutes=10)


class RegistrationRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


async def issue_nonce(uow: UnitOfWork) -> str:
    nonce = secrets.token_urlsafe(24)
    await uow.conn.execute(
        insert(registration_nonces).values(
            nonce=nonce, expires_at=uow.clock.now() + NONCE_LIFETIME, used=False
        )
    )
    return nonce


async def register(
    uow: UnitOfWork, assertion: Assertion, login: str, password: str, terms_version: str
) -> str:
    """Creates the account of the person the assertion proves; returns its id."""
    spent = await uow.conn.execute(
        update(registration_nonces)
        .where(
            registration_nonces.c.nonce == assertion.nonce,
            registration_nonces.c.used.is_(False),
            registration_nonces.c.expires_at > uow.clock.now(),
        )
        .values(used=True)
    )
    if spent.rowcount != 1:
        raise RegistrationRefused(401, "the assertion's nonce is unknown, expired or used before")
    taken = await uow.conn.scalar(
        select(credentials.c.account_id).where(credentials.c.login == login)
    )
    if taken is not None:
        raise RegistrationRefused(409, f"login {login!r} is taken")
    account_id = str(uuid.uuid4())
    registered = (
        Account(account_id)
        .register(login, "member")[0]
        .model_copy(update={"verified_by": assertion.method})
    )
    accepted = TermsAccepted(account_id=account_id, terms_version=terms_version)
    await uow.conn.execute(
        insert(credentials).values(
            login=login, account_id=account_id, password_hash=await hash_password(password)
        )
    )
    pending = [PendingEvent(e, str(uuid.uuid4())) for e in (registered, accepted)]
    await uow.append(stream_id(account_id), 0, pending, correlation_id=new_id())
    return account_id
