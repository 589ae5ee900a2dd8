"""Identity's handlers: staff commands over Kafka, and the login the HTTP API calls."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select

from services.identity import administrators, totp
from services.identity.domain.accounts import Account, stream_id
from services.identity.journal import end_revoked_sessions, load_account
from services.identity.passwords import UNUSABLE_HASH, verify_password
from services.identity.secrets import credentials
from shared.contracts import Event
from shared.contracts.identity import (
    BlockAccess,
    CloseAccount,
    RegisterPortalAccount,
    UnblockAccess,
)
from shared.eventstore import PendingEvent, UnitOfWork
from shared.messaging.commands import CommandContext, Rejected


async def register_portal_account(command: RegisterPortalAccount, ctx: CommandContext) -> None:
    account = await load_account(ctx.uow, command.account_id)
    taken = await ctx.uow.conn.scalar(
        select(credentials.c.account_id).where(credentials.c.login == command.login)
    )
    if taken is not None:
        raise Rejected(f"login {command.login!r} is taken")
    new = account.register(command.login, command.role)
    await ctx.uow.conn.execute(
        insert(credentials).values(
            login=command.login,
            account_id=command.account_id,
            password_hash=UNUSABLE_HASH,
        )
    )
    if command.role == "admin":
        await administrators.enrol(ctx.uow, command.account_id)
    await ctx.record(stream_id(account.account_id), account.version, new)


async def block_access(command: BlockAccess, ctx: CommandContext) -> None:
    account = await load_account(ctx.uow, command.account_id)
    new = account.block(command.reason, by=ctx.actor)
    await administrators.keep_one_usable(ctx.uow, account)
    await _record(ctx, account, new)


async def unblock_access(command: UnblockAccess, ctx: CommandContext) -> None:
    account = await load_account(ctx.uow, command.account_id)
    await _record(ctx, account, account.unblock(by=ctx.actor))


async def close_account(command: CloseAccount, ctx: CommandContext) -> None:
    account = await load_account(ctx.uow, command.account_id)
    new = account.close(by=ctx.actor)
    await administrators.keep_one_usable(ctx.uow, account)
    await _record(ctx, account, new)


async def _record(ctx: CommandContext, account: Account, new: Sequence[Event]) -> None:
    await ctx.record(stream_id(account.account_id), account.version, new)
    await end_revoked_sessions(ctx.uow, account.account_id, new)


async def log_in(
    uow: UnitOfWork, login: str, password: str, correlation_id: str, code: str | None = None
) -> Account | None:
    """The account if the password (and a staff member's authenticator `code`) are right; None
    otherwise. Raises SecondFactorRequired for staff without a code, AccessRefused when all was
    right but access is blocked (domain/logins.py)."""
    row = (await uow.conn.execute(select(credentials).where(credentials.c.login == login))).first()
    password_ok = await verify_password(row.password_hash if row else None, password)
    if row is None:
        return None
    account = await load_account(uow, row.account_id)
    if account.closed:
        return None
    code_ok = None
    if account.needs_second_factor and code is not None:
        code_ok = await totp.check(uow, account.account_id, code, spend=password_ok)
    events = account.log_in(password_ok, code_ok)
    pending = [PendingEvent(event, str(uuid.uuid4())) for event in events]
    await uow.append(
        stream_id(account.account_id), account.version, pending, correlation_id=correlation_id
    )
    # A block by identity ends the account's sessions (domain/logins.py).
    await end_revoked_sessions(uow, account.account_id, events)
    return account if password_ok and code_ok is not False else None


HANDLERS = {
    RegisterPortalAccount: register_portal_account,
    BlockAccess: block_access,
    UnblockAccess: unblock_access,
    CloseAccount: close_account,
}
