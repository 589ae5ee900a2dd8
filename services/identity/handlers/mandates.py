"""The person's own say over the holder's access to their file (ID-7): a mandate given or
withdrawn, a refusal. Through the portal the person speaks for themselves only; member
services record what the person signed at the desk."""

from __future__ import annotations

from services.identity.adapters.member_accounts import MemberAccounts
from services.identity.domain.holder_access import HolderAccess
from services.identity.handlers.access_decisions import Say, holder_for, reconsider
from shared.contracts.access import GiveAccessMandate, RefuseHolderAccess, WithdrawAccessMandate
from shared.messaging.commands import CommandContext
from shared.refusal import Refused


async def give_access_mandate(command: GiveAccessMandate, ctx: CommandContext) -> None:
    await _say(ctx, command.person, HolderAccess.give_mandate)


async def withdraw_access_mandate(command: WithdrawAccessMandate, ctx: CommandContext) -> None:
    await _say(ctx, command.person, HolderAccess.withdraw_mandate)


async def refuse_holder_access(command: RefuseHolderAccess, ctx: CommandContext) -> None:
    await _say(ctx, command.person, HolderAccess.refuse)


async def _say(ctx: CommandContext, person: str, say: Say) -> None:
    if ctx.actor.role == "member":
        own = await ctx.uow.view(MemberAccounts).person_of(ctx.actor.account_id)
        if own != person:
            raise Refused("a member decides only about their own file")
    holder = await holder_for(ctx.uow, person)
    if holder is None:
        raise Refused("this person is on no booklet as a dependant: no holder to decide about")
    await reconsider(ctx.uow, ctx.aggregates, holder, person, say=say)


HANDLERS = {
    GiveAccessMandate: give_access_mandate,
    WithdrawAccessMandate: withdraw_access_mandate,
    RefuseHolderAccess: refuse_holder_access,
}
