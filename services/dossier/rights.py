"""The member's rights, the request side (DOS-12; seed 002 §7): the dossier's command handlers
for privacy requests, the restriction of processing and consents. Each loads what decides
(the request, the person's booklet), lets it decide and saves what it recorded, in the
command's unit of work.

A member acts only for a person they may act on (ID-7), and learns nothing of any other: a
person they may not act on is refused in the same words whether the dossier knows them or not.

One request per person, right and decision stays open at a time: a second is refused, naming
the open one and its due day. Its answer answers the second too (a copy holds everything, an
erasure or restriction is one matter, a human review is of one decision), what the person adds
goes to member services handling the open one, and two requests would only make two deadlines
for one matter (GDPR art. 12(5) lets the fund refuse a repetitive request). Once answered, the
person may ask again."""

from __future__ import annotations

from datetime import date

from services.dossier import privacy_timers
from services.dossier.domain.booklet import Booklet
from services.dossier.domain.privacy_request import PrivacyRequest
from services.dossier.open_requests import OpenRequests
from services.dossier.person_index import booklet_with
from shared.access.persons import Persons
from shared.contracts.privacy import (
    AnswerPrivacyRequest,
    GiveConsent,
    LiftRestriction,
    RestrictProcessing,
    SubmitPrivacyRequest,
    WithdrawConsent,
)
from shared.messaging.commands import CommandContext
from shared.privacy.retention import BRUSSELS
from shared.refusal import Refused

# The requests a restriction of processing answers.
RESTRICTING = {"restriction", "objection"}


async def submit_privacy_request(command: SubmitPrivacyRequest, ctx: CommandContext) -> None:
    await _booklet_of(ctx, command.person_id)
    request = await ctx.aggregates.get(PrivacyRequest, ctx.derived_id("privacy-request"))
    request.submit(command.person_id, command.right, _today(ctx), command.details, command.decision)
    open_requests = ctx.uow.view(OpenRequests)
    already = await open_requests.of(command.person_id, command.right, command.decision)
    if already is not None:
        raise Refused(
            f"this person has an open {command.right} request already: "
            f"{already.request_id}, due on {already.due_on.isoformat()}"
        )
    await ctx.aggregates.save(request)
    await open_requests.add(
        command.person_id, command.right, command.decision, request.request_id, request.due
    )
    await privacy_timers.keep_deadline(ctx.uow, request, ctx.envelope.correlation_id)


async def answer_privacy_request(command: AnswerPrivacyRequest, ctx: CommandContext) -> None:
    request = await ctx.aggregates.get(PrivacyRequest, command.request_id)
    request.answer(command.granted, command.motivation)
    await ctx.aggregates.save(request)
    await privacy_timers.answered(ctx.uow, request)


async def restrict_processing(command: RestrictProcessing, ctx: CommandContext) -> None:
    booklet = await _booklet_of(ctx, command.person_id)
    if command.request_id is not None:
        request = await ctx.aggregates.get(PrivacyRequest, command.request_id)
        if request.person_id != command.person_id or request.right not in RESTRICTING:
            raise Refused(
                f"{command.request_id!r} is no request of this person to restrict or object"
            )
    booklet.restrict_processing(command.person_id, command.request_id)
    await ctx.aggregates.save(booklet)


async def lift_restriction(command: LiftRestriction, ctx: CommandContext) -> None:
    booklet = await _booklet_of(ctx, command.person_id)
    booklet.lift_restriction(command.person_id)
    await ctx.aggregates.save(booklet)


async def give_consent(command: GiveConsent, ctx: CommandContext) -> None:
    booklet = await _booklet_of(ctx, command.person_id)
    booklet.give_consent(command.person_id, command.purpose)
    await ctx.aggregates.save(booklet)


async def withdraw_consent(command: WithdrawConsent, ctx: CommandContext) -> None:
    booklet = await _booklet_of(ctx, command.person_id)
    booklet.withdraw_consent(command.person_id, command.purpose)
    await ctx.aggregates.save(booklet)


async def _booklet_of(ctx: CommandContext, person_id: str) -> Booklet:
    """The booklet of a person the sender may act on; refused, saying nothing about the
    person, for a member who may not, and for a person the dossier does not know (or erased)."""
    if not await ctx.uow.view(Persons).may_act_on(ctx.actor, person_id):
        raise Refused("you may not act on this person's file")
    booklet = await booklet_with(ctx.uow, ctx.aggregates, person_id)
    if booklet is None:
        raise Refused("no such person")
    return booklet


def _today(ctx: CommandContext) -> date:
    """The day it is for the fund: in Brussels."""
    return ctx.now.astimezone(BRUSSELS).date()


HANDLERS = {
    SubmitPrivacyRequest: submit_privacy_request,
    AnswerPrivacyRequest: answer_privacy_request,
    RestrictProcessing: restrict_processing,
    LiftRestriction: lift_restriction,
    GiveConsent: give_consent,
    WithdrawConsent: withdraw_consent,
}
