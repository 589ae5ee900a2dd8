"""Command handlers of the complaints service: load the file, take the step, save its
events and keep the deadline timers on what the complaint owes now."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from services.complaints import deadline_timers, file_numbers
from services.complaints.domain import filing, intake, procedure
from services.complaints.domain.complaint import Complaint
from services.complaints.domain.filing import FileNumberRegister
from services.complaints.file_numbers import FileNumbers
from shared.access.persons import Persons
from shared.contracts.complaints import (
    AcknowledgeComplaint,
    AnswerAsMediator,
    AnswerComplaint,
    AssignComplaint,
    CloseComplaint,
    DecideAdmissibility,
    EscalateToMediator,
    ReceiveInformation,
    RecordRecommendation,
    RegisterComplaint,
    RequestInformation,
    SendStatusUpdate,
)
from shared.messaging.commands import CommandContext
from shared.reference import Federation
from shared.refusal import Refused


async def register_complaint(command: RegisterComplaint, ctx: CommandContext) -> None:
    # Here, not in the portal route: a member's token may send this command over Kafka too.
    if ctx.actor.role == "member":
        command = intake.from_member(command, await _members_person(ctx), ctx.now)
    received_at = intake.received_at(command.received_at, ctx.now)
    complaint_id = ctx.derived_id("complaint")
    register = await ctx.aggregates.get(FileNumberRegister, filing.filing_year(received_at))
    complaint = await ctx.aggregates.get(Complaint, complaint_id)
    filing.file(complaint, register, command, received_at)
    await ctx.aggregates.save(register, complaint)
    await ctx.uow.view(FileNumbers).add(
        complaint.file_number, complaint_id, command.complainant_person
    )
    await deadline_timers.follow(ctx.uow, complaint, None, ctx.envelope.correlation_id)


async def assign_complaint(command: AssignComplaint, ctx: CommandContext) -> None:
    await _take(ctx, command.file_number, partial(procedure.assign, handler=command.handler))


async def acknowledge_complaint(command: AcknowledgeComplaint, ctx: CommandContext) -> None:
    await _take(ctx, command.file_number, procedure.acknowledge)


async def decide_admissibility(command: DecideAdmissibility, ctx: CommandContext) -> None:
    if command.admissible:
        step = partial(procedure.find_admissible, category=command.category, now=ctx.now)
    else:
        step = partial(
            procedure.find_inadmissible, ground=command.ground, motivation=command.motivation
        )
    await _take(ctx, command.file_number, step)


async def request_information(command: RequestInformation, ctx: CommandContext) -> None:
    step = partial(procedure.request_information, question=command.question, now=ctx.now)
    await _take(ctx, command.file_number, step)


async def receive_information(command: ReceiveInformation, ctx: CommandContext) -> None:
    step = partial(procedure.receive_information, summary=command.summary, now=ctx.now)
    await _take(ctx, command.file_number, step)


async def send_status_update(command: SendStatusUpdate, ctx: CommandContext) -> None:
    step = partial(procedure.send_status_update, note=command.note, now=ctx.now)
    await _take(ctx, command.file_number, step)


async def answer_complaint(command: AnswerComplaint, ctx: CommandContext) -> None:
    answer = command.model_dump(include={"verdict", "motivation", "advice"})
    step = partial(procedure.answer, **answer, mediator=mediator_contact(ctx.federation))
    await _take(ctx, command.file_number, step)


async def escalate_to_mediator(command: EscalateToMediator, ctx: CommandContext) -> None:
    complaint = await file_numbers.find(ctx, command.file_number)
    if ctx.actor.role == "member":
        # A complainant escalates their own complaint only (CMP-7, CMP-10).
        person = await ctx.uow.view(Persons).person_of(ctx.actor.account_id)
        if person is None or person != complaint.complainant_person:
            raise file_numbers.not_found(command.file_number)
    await _save(ctx, complaint, partial(procedure.escalate, disagreement=command.disagreement))


async def answer_as_mediator(command: AnswerAsMediator, ctx: CommandContext) -> None:
    answer = command.model_dump(include={"verdict", "motivation", "advice"})
    await _take(ctx, command.file_number, partial(procedure.answer_as_mediator, **answer))


async def close_complaint(command: CloseComplaint, ctx: CommandContext) -> None:
    await _take(ctx, command.file_number, procedure.close)


async def record_recommendation(command: RecordRecommendation, ctx: CommandContext) -> None:
    step = partial(procedure.record_recommendation, recommendation=command.recommendation)
    await _take(ctx, command.file_number, step)


HANDLERS = {
    RegisterComplaint: register_complaint,
    AssignComplaint: assign_complaint,
    AcknowledgeComplaint: acknowledge_complaint,
    DecideAdmissibility: decide_admissibility,
    RequestInformation: request_information,
    ReceiveInformation: receive_information,
    SendStatusUpdate: send_status_update,
    AnswerComplaint: answer_complaint,
    EscalateToMediator: escalate_to_mediator,
    AnswerAsMediator: answer_as_mediator,
    CloseComplaint: close_complaint,
    RecordRecommendation: record_recommendation,
}


def mediator_contact(federation: Federation) -> str:
    """How to reach the federation's national complaints mediator (seed 004, step 6). The
    seeds give no address of their own for the mediator: they are reached at the seat."""
    seat = federation.headquarters
    reach = [str(seat.address) if seat.address else None, seat.phone, seat.email]
    return ", ".join([federation.name, *(r for r in reach if r)])


Step = Callable[[Complaint], None]


async def _take(ctx: CommandContext, file_number: str, step: Step) -> None:
    await _save(ctx, await file_numbers.find(ctx, file_number), step)


async def _save(ctx: CommandContext, complaint: Complaint, step: Step) -> None:
    before = complaint.duty
    step(complaint)
    await ctx.aggregates.save(complaint)
    await deadline_timers.follow(ctx.uow, complaint, before, ctx.envelope.correlation_id)


async def _members_person(ctx: CommandContext) -> str:
    person = await ctx.uow.view(Persons).person_of(ctx.actor.account_id)
    if person is None:
        raise Refused("this account is no member's: a complaint needs a complainant")
    return person
