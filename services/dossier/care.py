"""DOS-4, DOS-5: the dossier's command handlers for a person's care, their GMD and medical
agreements. Each loads the booklet, lets it decide and saves what it recorded, in the
command's unit of work."""

from __future__ import annotations

from services.dossier.domain.booklet import Booklet
from shared.contracts.care import EndGmd, RecordGmd, RecordMedicalAgreement
from shared.messaging.commands import CommandContext


async def record_gmd(command: RecordGmd, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    booklet.record_gmd(command)
    await ctx.aggregates.save(booklet)


async def end_gmd(command: EndGmd, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    booklet.end_gmd(command)
    await ctx.aggregates.save(booklet)


async def record_medical_agreement(command: RecordMedicalAgreement, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    booklet.record_medical_agreement(command)
    await ctx.aggregates.save(booklet)


HANDLERS = {
    RecordGmd: record_gmd,
    EndGmd: end_gmd,
    RecordMedicalAgreement: record_medical_agreement,
}
