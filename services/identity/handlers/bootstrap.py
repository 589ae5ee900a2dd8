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

from sqlalchemy import insert, select, update

from services.identity.adapters import administrators, totp
from services.identity.adapters.administrators import Administrators
from services.identity.adapters.passwords import hash_password
from services.identity.adapters.private_tables import credentials
from services.identity.domain.accounts import Account
from services.identity.domain.administrators import ADMIN_LOGIN, recover, replace
from services.identity.handlers.saving import save_accounts
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository
from shared.logging import get_logger

log = get_logger(__name__)


async def ensure_admin(
    uow: UnitOfWork, aggregates: Repository, password: str, totp_secret: str
) -> None:
    """`aggregates`: the operator's, not anyone's: its events have no actor."""
    # Counting takes the administrators' lock: replicas starting together recover only once.
    usable = await administrators.usable_administrators(uow, aggregates)
    account_id = await uow.conn.scalar(
        select(credentials.c.account_id).where(credentials.c.login == ADMIN_LOGIN)
    )
    if usable > 0:
        if account_id is not None:
            await _upgrade(uow, aggregates, await aggregates.get(Account, account_id), totp_secret)
        return
    if account_id is None:
        await _register_first(uow, aggregates, password, totp_secret)
        return
    account = await aggregates.get(Account, account_id)
    if account.role != "admin":
        log.error("admin.not_recovered", reason="the admin login is not an administrator's")
    elif account.closed:
        await _take_over(uow, aggregates, account, password, totp_secret)
        log.warning("admin.recovered", closed_account=account_id)
    else:
        was_blocked = account.blocked_reason
        await _recover(uow, aggregates, account, password, totp_secret)
        log.warning("admin.recovered", account=account_id, was_blocked=was_blocked)


async def _register_first(
    uow: UnitOfWork, aggregates: Repository, password: str, totp_secret: str
) -> None:
    account = Account.rebuild(str(uuid.uuid4()))
    await uow.conn.execute(
        insert(credentials).values(
            login=ADMIN_LOGIN,
            account_id=account.account_id,
            password_hash=await hash_password(password),
        )
    )
    account.register(ADMIN_LOGIN, "admin")
    await _enrol(uow, account, totp_secret)
    await _open(uow, aggregates, account)


async def _take_over(
    uow: UnitOfWork, aggregates: Repository, closed: Account, password: str, totp_secret: str
) -> None:
    successor = Account.rebuild(str(uuid.uuid4()))
    await uow.conn.execute(
        update(credentials)
        .where(credentials.c.login == ADMIN_LOGIN)
        .values(account_id=successor.account_id, password_hash=await hash_password(password))
    )
    replace(closed, successor)
    await _enrol(uow, successor, totp_secret)
    await _open(uow, aggregates, successor)


async def _recover(
    uow: UnitOfWork, aggregates: Repository, account: Account, password: str, totp_secret: str
) -> None:
    recover(account)
    await uow.conn.execute(
        update(credentials)
        .where(credentials.c.account_id == account.account_id)
        .values(password_hash=await hash_password(password))
    )
    await _enrol(uow, account, totp_secret)
    await save_accounts(aggregates, account)


async def _upgrade(
    uow: UnitOfWork, aggregates: Repository, account: Account, totp_secret: str
) -> None:
    if account.role == "admin" and not account.closed and not account.second_factor:
        await _enrol(uow, account, totp_secret)
        await save_accounts(aggregates, account)
        log.warning("admin.second_factor_set", account=account.account_id)


async def _enrol(uow: UnitOfWork, account: Account, totp_secret: str) -> None:
    account.enrol_second_factor()
    await totp.enrol(uow, account.account_id, ADMIN_LOGIN, totp_secret)


async def _open(uow: UnitOfWork, aggregates: Repository, account: Account) -> None:
    await uow.view(Administrators).enrol(account.account_id)
    await save_accounts(aggregates, account)
