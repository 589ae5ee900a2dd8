"""The first administrator, and the operator's way back when no administrator is usable.

On every start with IDENTITY_BOOTSTRAP_ADMIN_PASSWORD (and IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET,
the authenticator every staff login needs) set, and only when no administrator is usable (none
yet, or every one blocked or closed — wrong passwords no longer block staff, but 8 wrong
authenticator codes with the right password do, see domain/logins.py):
- the first start registers the `admin` account with that password and authenticator;
- a later start recovers the `admin` account: unblocked, given that password and authenticator
  again, its earlier tokens void; or, if it was closed for good, a new account takes over the
  `admin` login.
Only whoever sets the environment of identity's host can do this, and a recovery is recorded
as `AdministratorRecovered`. While an administrator is usable, a start changes nothing — except
that an `admin` from before second factors gets the configured authenticator, or it could
never log in again."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select, update

from services.identity import administrators, totp
from services.identity.domain.accounts import Account, stream_id
from services.identity.domain.administrators import ADMIN_LOGIN, recover, replace
from services.identity.journal import load_account, record
from services.identity.passwords import hash_password
from services.identity.secrets import credentials
from shared.contracts import Event
from shared.eventstore import PendingEvent, UnitOfWork
from shared.logging import get_logger

log = get_logger(__name__)


async def ensure_admin(uow: UnitOfWork, password: str, totp_secret: str) -> None:
    # Counting takes the administrators' lock: replicas starting together recover only once.
    usable = await administrators.usable_administrators(uow)
    account_id = await uow.conn.scalar(
        select(credentials.c.account_id).where(credentials.c.login == ADMIN_LOGIN)
    )
    if usable > 0:
        if account_id is not None:
            await _upgrade(uow, await load_account(uow, account_id), totp_secret)
        return
    if account_id is None:
        await _register_first(uow, password, totp_secret)
        return
    account = await load_account(uow, account_id)
    if account.role != "admin":
        log.error("admin.not_recovered", reason="the admin login is not an administrator's")
    elif account.closed:
        await _take_over(uow, account, password, totp_secret)
        log.warning("admin.recovered", closed_account=account_id)
    else:
        await _recover(uow, account, password, totp_secret)
        log.warning("admin.recovered", account=account_id, was_blocked=account.blocked_reason)


async def _register_first(uow: UnitOfWork, password: str, totp_secret: str) -> None:
    account_id = str(uuid.uuid4())
    await uow.conn.execute(
        insert(credentials).values(
            login=ADMIN_LOGIN, account_id=account_id, password_hash=await hash_password(password)
        )
    )
    registered = Account(account_id).register(ADMIN_LOGIN, "admin")
    enrolled = await _enrol(uow, Account.from_history(account_id, registered), totp_secret)
    await _open(uow, account_id, [*registered, *enrolled])


async def _take_over(uow: UnitOfWork, closed: Account, password: str, totp_secret: str) -> None:
    account_id = str(uuid.uuid4())
    await uow.conn.execute(
        update(credentials)
        .where(credentials.c.login == ADMIN_LOGIN)
        .values(account_id=account_id, password_hash=await hash_password(password))
    )
    replaced = replace(closed, account_id)
    enrolled = await _enrol(uow, Account.from_history(account_id, replaced), totp_secret)
    await _open(uow, account_id, [*replaced, *enrolled])


async def _recover(uow: UnitOfWork, account: Account, password: str, totp_secret: str) -> None:
    recovered = recover(account)
    await uow.conn.execute(
        update(credentials)
        .where(credentials.c.account_id == account.account_id)
        .values(password_hash=await hash_password(password))
    )
    enrolled = await _enrol(uow, account, totp_secret)
    await record(uow, account.account_id, account.version, [*recovered, *enrolled], None)


async def _upgrade(uow: UnitOfWork, account: Account, totp_secret: str) -> None:
    if account.role == "admin" and not account.closed and not account.second_factor:
        enrolled = await _enrol(uow, account, totp_secret)
        await record(uow, account.account_id, account.version, enrolled, None)
        log.warning("admin.second_factor_set", account=account.account_id)


async def _enrol(uow: UnitOfWork, account: Account, totp_secret: str) -> list[Event]:
    enrolled = account.enrol_second_factor()
    await totp.enrol(uow, account.account_id, ADMIN_LOGIN, totp_secret)
    return enrolled


async def _open(uow: UnitOfWork, account_id: str, opened: Sequence[Event]) -> None:
    await administrators.enrol(uow, account_id)
    pending = [PendingEvent(event, str(uuid.uuid4())) for event in opened]
    await uow.append(stream_id(account_id), 0, pending, correlation_id=account_id)
