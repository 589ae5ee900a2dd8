"""The first administrator: someone must be able to log in before any staff account exists."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from services.identity.domain.accounts import Account, stream_id
from services.identity.passwords import hash_password
from services.identity.secrets import credentials
from shared.eventstore import PendingEvent, UnitOfWork

ADMIN_LOGIN = "admin"


async def ensure_admin(uow: UnitOfWork, password: str) -> None:
    """Registers the `admin` account once; later starts find the login taken."""
    taken = await uow.conn.scalar(
        select(credentials.c.account_id).where(credentials.c.login == ADMIN_LOGIN)
    )
    if taken is not None:
        return
    account_id = str(uuid.uuid4())
    await uow.conn.execute(
        insert(credentials).values(
            login=ADMIN_LOGIN, account_id=account_id, password_hash=await hash_password(password)
        )
    )
    registered = Account(account_id).register(ADMIN_LOGIN, "admin")
    pending = [PendingEvent(event, str(uuid.uuid4())) for event in registered]
    await uow.append(stream_id(account_id), 0, pending, correlation_id=account_id)
