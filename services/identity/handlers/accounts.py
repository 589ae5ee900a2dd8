"""Identity's handlers: staff commands over Kafka, and the login the HTTP API calls. The
command handlers reach identity's tables only through read-model adapters (`ctx.uow.view`),
so each runs on the in-memory unit of work in its unit test."""

from __future__ import annotations

from services.identity.adapters import administrators, totp
from services.identity.adapters.administrators import Administrators
from services.identity.adapters.credentials import Credentials
from services.identity.adapters.passwords import UNUSABLE_HASH, verify_password
from services.identity.domain.accounts import AccessRefused, Account
from services.identity.handlers.saving import save_accounts
from shared.contracts.identity import (
    BlockAccess,
    CloseAccount,
    RegisterPortalAccount,
    UnblockAccess,
)
from shared.messaging.commands import CommandContext
from shared.refusal import Refused


async def register_portal_account(command: RegisterPortalAccount, ctx: CommandContext) -> None:
    account = await ctx.aggregates.get(Account, command.account_id)
    credentials = ctx.uow.view(Credentials)
    if await credentials.account_of(command.login) is not None:
        raise Refused(f"login {command.login!r} is taken")
    account.register(command.login, command.role)
    await credentials.add(command.login, command.account_id, UNUSABLE_HASH)
    if command.role == "admin":
        await ctx.uow.view(Administrators).enrol(command.account_id)
    await save_accounts(ctx.aggregates, account)


async def block_access(command: BlockAccess, ctx: CommandContext) -> None:
    account = await ctx.aggregates.get(Account, command.account_id)
    others = await administrators.others_usable(ctx.uow, ctx.aggregates, account)
    account.block(command.reason, by=ctx.actor, other_usable_administrators=others)
    await save_accounts(ctx.aggregates, account)


async def unblock_access(command: UnblockAccess, ctx: CommandContext) -> None:
    account = await ctx.aggregates.get(Account, command.account_id)
    account.unblock(by=ctx.actor)
    await save_accounts(ctx.aggregates, account)


async def close_account(command: CloseAccount, ctx: CommandContext) -> None:
    account = await ctx.aggregates.get(Account, command.account_id)
    others = await administrators.others_usable(ctx.uow, ctx.aggregates, account)
    account.close(by=ctx.actor, other_usable_administrators=others)
    await save_accounts(ctx.aggregates, account)


async def log_in(
    ctx: CommandContext, login: str, password: str, code: str | None = None
) -> Account | None:
    """The account if the password (and a staff member's authenticator `code`) are right; None
    otherwise. Raises SecondFactorRequired for staff without a code, AccessRefused when all was
    right but access is blocked (domain/logins.py), and for the wrong password that blocks it
    (kept). A block by identity ends the account's sessions (save_accounts)."""
    credential = await ctx.uow.view(Credentials).of_login(login)
    password_ok = await verify_password(credential.password_hash if credential else None, password)
    if credential is None:
        return None
    account = await ctx.aggregates.get(Account, credential.account_id)
    if account.closed:
        return None
    code_ok = None
    if account.needs_second_factor and code is not None:
        code_ok = await totp.check(ctx.uow, account.account_id, code, spend=password_ok)
    was_blocked = account.blocked_reason
    account.log_in(password_ok, code_ok)
    await save_accounts(ctx.aggregates, account)
    if account.blocked_reason == "failed_logins" and not was_blocked:
        # The 8th wrong password says so at once (ID-4), with what to do, rather than leave
        # the member guessing until the next attempt. Nothing is revealed that the next
        # attempt would not: only a login that exists can be blocked.
        await ctx.uow.commit()
        raise AccessRefused(account.blocked_reason)
    return account if password_ok and code_ok is not False else None


HANDLERS = {
    RegisterPortalAccount: register_portal_account,
    BlockAccess: block_access,
    UnblockAccess: unblock_access,
    CloseAccount: close_account,
}
