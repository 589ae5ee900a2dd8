"""The dossier's command handlers."""

from __future__ import annotations

from sqlalchemy import insert, select

from services.dossier.domain.booklet import Booklet, stream_id
from services.dossier.read_model import person_index
from shared.access.persons import may_act_on
from shared.contracts import events
from shared.contracts.dossier import (
    AddDependant,
    ChangeAddress,
    ChangeContactDetails,
    ChangeEntitlement,
    EnrolMember,
    Person,
)
from shared.messaging.commands import CommandContext, Rejected
from shared.reference import configured_federation


async def load_booklet(ctx: CommandContext, booklet_id: str) -> Booklet:
    history = await ctx.uow.read_stream(stream_id(booklet_id))
    return Booklet.from_history(booklet_id, [events.decode(e) for e in history])


async def enrol_member(command: EnrolMember, ctx: CommandContext) -> None:
    booklet = await load_booklet(ctx, command.booklet_id)
    await _admit(ctx, command.booklet_id, command.holder)
    await ctx.record(
        stream_id(booklet.booklet_id),
        booklet.version,
        booklet.enrol(command.holder),
    )


async def add_dependant(command: AddDependant, ctx: CommandContext) -> None:
    booklet = await load_booklet(ctx, command.booklet_id)
    decided = booklet.add_dependant(command.dependant)
    await _admit(ctx, command.booklet_id, command.dependant)
    await ctx.record(stream_id(booklet.booklet_id), booklet.version, decided)


async def change_contact_details(command: ChangeContactDetails, ctx: CommandContext) -> None:
    if not await may_act_on(ctx.uow.conn, ctx.actor, command.national_register_number):
        raise Rejected("you may not act on this person's file")
    booklet = await load_booklet(ctx, command.booklet_id)
    decided = booklet.change_contact_details(command)
    await ctx.record(stream_id(booklet.booklet_id), booklet.version, decided)


async def change_address(command: ChangeAddress, ctx: CommandContext) -> None:
    booklet = await load_booklet(ctx, command.booklet_id)
    decided = booklet.change_address(command)
    await ctx.record(stream_id(booklet.booklet_id), booklet.version, decided)


async def change_entitlement(command: ChangeEntitlement, ctx: CommandContext) -> None:
    booklet = await load_booklet(ctx, command.booklet_id)
    decided = booklet.change_entitlement(command)
    await ctx.record(stream_id(booklet.booklet_id), booklet.version, decided)


async def _admit(ctx: CommandContext, booklet_id: str, person: Person) -> None:
    """The person's regional fund exists in this federation and the person is on no booklet."""
    try:
        configured_federation().fund(person.regional_fund)
    except LookupError as error:
        raise Rejected(str(error)) from None
    on_booklet = await ctx.uow.conn.scalar(
        select(person_index.c.booklet_id).where(
            person_index.c.national_register_number == person.national_register_number
        )
    )
    if on_booklet is not None:
        raise Rejected("this person is already on a booklet")
    await ctx.uow.conn.execute(
        insert(person_index).values(
            national_register_number=person.national_register_number, booklet_id=booklet_id
        )
    )


HANDLERS = {
    EnrolMember: enrol_member,
    AddDependant: add_dependant,
    ChangeContactDetails: change_contact_details,
    ChangeAddress: change_address,
    ChangeEntitlement: change_entitlement,
}
