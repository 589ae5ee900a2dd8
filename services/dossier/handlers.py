"""The dossier's command handlers: each loads the booklet, lets it decide, and saves what it
recorded, in the command's unit of work."""

from __future__ import annotations

from datetime import date

from services.dossier import privacy_timers, retention_timers
from services.dossier.domain.booklet import Booklet
from services.dossier.domain.privacy_request import PrivacyRequest
from services.dossier.export_parts import Exports
from services.dossier.person_index import PersonIndex
from shared.access.persons import Persons
from shared.contracts.dossier import (
    AddDependant,
    ChangeAddress,
    ChangeContactDetails,
    ChangeEntitlement,
    EndMembership,
    EnrolMember,
    ErasePerson,
    Person,
)
from shared.messaging.commands import CommandContext
from shared.privacy.marking import CATEGORIES
from shared.privacy.retention import BRUSSELS, retention
from shared.refusal import Refused


async def enrol_member(command: EnrolMember, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    await _admissible(ctx, command.holder)
    booklet.enrol(command.holder, ctx.derived_id("person"))
    await _admit(ctx, booklet, command.holder)
    await ctx.aggregates.save(booklet)


async def add_dependant(command: AddDependant, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    booklet.add_dependant(command.dependant, ctx.derived_id("person"))
    await _admissible(ctx, command.dependant)
    await _admit(ctx, booklet, command.dependant)
    await ctx.aggregates.save(booklet)


async def change_contact_details(command: ChangeContactDetails, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    # A member learns nothing of a person they may not act on, not even that it is unknown.
    person_id = booklet.person_id_of(command.national_register_number)
    allowed = await ctx.uow.view(Persons).may_act_on(ctx.actor, person_id or "")
    if not allowed:
        raise Refused("you may not act on this person's file")
    booklet.change_contact_details(command)
    await ctx.aggregates.save(booklet)
    await _rectifying(ctx, command.rectifies, person_id, "contact details")


async def change_address(command: ChangeAddress, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    booklet.change_address(command)
    await ctx.aggregates.save(booklet)
    person_id = booklet.person_id_of(command.national_register_number)
    await _rectifying(ctx, command.rectifies, person_id, "address")


async def _rectifying(
    ctx: CommandContext, request_id: str | None, person_id: str, what: str
) -> None:
    """A change made for the person's rectification request answers it (GDPR art. 16)."""
    if request_id is None:
        return
    request = await ctx.aggregates.get(PrivacyRequest, request_id)
    request.rectified(person_id, what)
    await ctx.aggregates.save(request)
    await privacy_timers.answered(ctx.uow, request)


async def change_entitlement(command: ChangeEntitlement, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    booklet.change_entitlement(command)
    await ctx.aggregates.save(booklet)


async def erase_person(command: ErasePerson, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    # DOS-13: what the law keeps (financial records) stays, restricted, until its retention ends.
    kept = retention().kept_after_erasure
    person_id = booklet.erase(command.national_register_number, restricted=kept)
    await ctx.aggregates.save(booklet)
    await ctx.uow.shred(person_id, categories=[c for c in CATEGORIES if c not in kept])
    await retention_timers.keep_until_retention_ends(
        ctx.uow, booklet, person_id, _today(ctx), kept, ctx.envelope.correlation_id
    )
    # The number may join the fund again later, as a new person.
    await ctx.uow.view(PersonIndex).remove(command.national_register_number)
    # The copies of their data made for their access requests go with them (DOS-12).
    await ctx.uow.view(Exports).forget_person(person_id)


async def end_membership(command: EndMembership, ctx: CommandContext) -> None:
    booklet = await ctx.aggregates.get(Booklet, command.booklet_id)
    number = booklet.end_membership(command, today=_today(ctx))
    _outside_the_federation(ctx, command.to_fund)
    await ctx.aggregates.save(booklet)
    await retention_timers.keep_until_retention_ends(
        ctx.uow,
        booklet,
        command.person_id,
        command.on,
        retention().ended_by_membership,
        ctx.envelope.correlation_id,
    )
    # The number may join the fund again (back from abroad, say), as a new person.
    await ctx.uow.view(PersonIndex).remove(number)


async def _admissible(ctx: CommandContext, person: Person) -> None:
    """The person's regional fund exists in this federation and the person is on no booklet.
    Checked before a holder's enrolment is decided and after a dependant's, as the refusals
    have always come in that order."""
    try:
        ctx.federation.fund(person.regional_fund)
    except LookupError as error:
        raise Refused(str(error)) from None
    if await ctx.uow.view(PersonIndex).booklet_of(person.national_register_number) is not None:
        raise Refused("this person is already on a booklet")


def _outside_the_federation(ctx: CommandContext, fund: str | None) -> None:
    """Seed 002 §6: a member leaves by joining a fund outside this federation; moving to
    another of its regional funds ends no membership."""
    if fund in {health_fund.id for health_fund in ctx.federation.health_funds}:
        raise Refused(f"{fund!r} is a fund of this federation: moving there ends no membership")


def _today(ctx: CommandContext) -> date:
    """The day it is for the fund: in Brussels."""
    return ctx.now.astimezone(BRUSSELS).date()


async def _admit(ctx: CommandContext, booklet: Booklet, person: Person) -> None:
    # Only once the booklet has decided: a refused command leaves the index as it was, even
    # where nothing rolls it back (a fake index in a handler's unit test).
    await ctx.uow.view(PersonIndex).add(person.national_register_number, booklet.booklet_id)


HANDLERS = {
    EnrolMember: enrol_member,
    AddDependant: add_dependant,
    ChangeContactDetails: change_contact_details,
    ChangeAddress: change_address,
    ChangeEntitlement: change_entitlement,
    ErasePerson: erase_person,
    EndMembership: end_membership,
}
