"""The first administrator, and the operator's way back when no administrator is usable.

On every start with IDENTITY_BOOTSTRAP_ADMIN_PASSWORD set, and only when no administrator is
usable (none yet, or every one blocked or closed — 8 wrong passwords block the well-known
`admin` login too):
- the first start registers the `admin` account with that password;
- a later start recovers the `admin` account: unblocked, given that password again, its earlier
  tokens void; or, if it was closed for good, a new account takes over the `admin` login.
Only whoever sets the environment of identity's host can do this, and a recovery is recorded
as `AdministratorRecovered`. While an administrator is usable, a start changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select, update

from services.identity import administrators
from services.identity.domain.accounts import Account, stream_id
from services.identity.domain.administrators import ADMIN_LOGIN, recover, replace
from services.identity.journal import load_account, record
from services.identity.passwords import hash_password
from services.identity.secrets import credentials
from shared.contracts import Event
from shared.eventstore import PendingEvent, UnitOfWork
from shared.logging import get_logger

log = get_logger(__name__)


async def ensure_admin(uow: UnitOfWork, password: str) -> None:
    # Counting takes the administrators' lock: replicas starting together recover only once.
    if await administrators.usable_administrators(uow) > 0:
        return
    account_id = await uow.conn.scalar(
        select(credentials.c.account_id).where(credentials.c.login == ADMIN_LOGIN)
    )
    if account_id is None:
        await _register_first(uow, password)
        return
    account = await load_account(uow, account_id)
    if account.role != "admin":
        log.error("admin.not_recovered", reason="the admin login is not an administrator's")
    elif account.closed:
        await _take_over(uow, account, password)
        log.warning("admin.recovered", closed_account=account_id)
    else:
        await _recover(uow, account, password)
        log.warning("admin.recovered", account=account_id, was_blocked=account.blocked_reason)


async def _register_first(uow: UnitOfWork, password: str) -> None:
    account_id = str(uuid.uuid4())
    await uow.conn.execute(
        insert(credentials).values(
            login=ADMIN_LOGIN, account_id=account_id, password_hash=await hash_password(password)
        )
    )
    await _open(uow, account_id, Account(account_id).register(ADMIN_LOGIN, "admin"))


async def _take_over(uow: UnitOfWork, closed: Account, password: str) -> None:
    account_id = str(uuid.uuid4())
    await uow.conn.execute(
        update(credentials)
        .where(credentials.c.login == ADMIN_LOGIN)
        .values(account_id=account_id, password_hash=await hash_password(password))
    )
    await _open(uow, account_id, replace(closed, account_id))


async def _recover(uow: UnitOfWork, account: Account, password: str) -> None:
    recovered = recover(account)
    await uow.conn.execute(
        update(credentials)
        .where(credentials.c.account_id == account.account_id)
        .values(password_hash=await hash_password(password))
    )
    await record(uow, account.account_id, account.version, recovered, None)


async def _open(uow: UnitOfWork, account_id: str, opened: Sequence[Event]) -> None:
    await administrators.enrol(uow, account_id)
    pending = [PendingEvent(event, str(uuid.uuid4())) for event in opened]
    await uow.append(stream_id(account_id), 0, pending, correlation_id=account_id)
