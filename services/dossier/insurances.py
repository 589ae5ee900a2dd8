"""DOS-8: the dossier's command handlers for a person's Neutra insurance. Each loads the booklet,
lets it decide and saves what it recorded, in the command's unit of work."""

from __future__ import annotations

from services.dossier.contributions import Contributions
from services.dossier.domain.booklet import Booklet
from shared.clock import brussels_day
from shared.contracts.insurance import EndInsurance, SubscribeToInsurance
from shared.messaging.commands import CommandContext


async def subscribe_to_insurance(command: SubscribeToInsurance, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    today = brussels_day(ctx.uow.clock.now())
    status = await ctx.uow.view(Contributions).status(command.booklet_id, today)
    booklet.subscribe_to_insurance(command, status.in_order)
    await ctx.aggregates.save(booklet)


async def end_insurance(command: EndInsurance, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    booklet.end_insurance(command)
    await ctx.aggregates.save(booklet)


HANDLERS = {SubscribeToInsurance: subscribe_to_insurance, EndInsurance: end_insurance}
