"""Command handlers of the complaints service: translate a command into decisions and events."""

from __future__ import annotations

import uuid

from services.complaints.domain import model
from shared.contracts.complaints import RegisterComplaint
from shared.messaging.commands import CommandContext


async def register_complaint(command: RegisterComplaint, ctx: CommandContext) -> None:
    received_at = command.received_at or ctx.now
    year = model.filing_year(received_at)
    register_stream = model.FileNumberRegister.stream_id(year)
    register = model.FileNumberRegister(year, await ctx.uow.stream_version(register_stream))
    complaint_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"complaint:{ctx.envelope.command_id}"))
    issued = register.issue(complaint_id)
    await ctx.record(register_stream, register.issued, [issued])
    registered = model.register(command, complaint_id, issued.file_number, received_at)
    await ctx.record(model.stream_id(complaint_id), 0, [registered])


HANDLERS = {RegisterComplaint: register_complaint}
