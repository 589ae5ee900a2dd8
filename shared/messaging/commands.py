"""Commands: handled once each, their outcome (events, or a rejection with its reason) sent to
the reply topic through the outbox, so it is published if and only if the work committed."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError

from shared.clock import Clock
from shared.contracts import (
    Command,
    CommandEnvelope,
    CommandOutcome,
    Event,
    EventEnvelope,
    UnknownMessageType,
    commands,
)
from shared.eventstore import (
    EventStore,
    PendingEvent,
    UnitOfWork,
    WrongExpectedVersion,
    unit_of_work,
)
from shared.logging import bind_correlation, get_logger
from shared.messaging.consumer import Poison
from shared.refusal import Refused

log = get_logger(__name__)

CONSUMER = "commands"
ATTEMPTS = 5


class Rejected(Refused):
    """The command is refused; nothing it would have done is kept. Handlers raise it; domain
    code raises `Refused`, which the bus treats the same."""


@dataclass
class CommandContext:
    uow: UnitOfWork
    envelope: CommandEnvelope

    @property
    def now(self):
        return self.uow.clock.now()

    async def record(
        self, stream_id: str, expected_version: int | None, new_events: Sequence[Event]
    ) -> list[EventEnvelope]:
        """Appends the command's events. Their ids derive from the command id, so handling the
        same command again can never store them twice."""
        pending = [
            PendingEvent(event, _derived_id(self.envelope.command_id, stream_id, n))
            for n, event in enumerate(new_events)
        ]
        return await self.uow.append(
            stream_id,
            expected_version,
            pending,
            correlation_id=self.envelope.correlation_id,
            causation_id=self.envelope.command_id,
        )


Handler = Callable[[Any, CommandContext], Awaitable[None]]


class CommandBus:
    def __init__(
        self,
        store: EventStore,
        clock: Clock,
        handlers: Mapping[type[Command], Handler],
        default_reply_topic: str,
    ) -> None:
        self.store, self.clock = store, clock
        self.handlers = {model.type_name: handler for model, handler in handlers.items()}
        self.default_reply_topic = default_reply_topic

    async def handle_message(self, msg: KafkaMessage) -> None:
        try:
            envelope = CommandEnvelope.model_validate_json(msg.body)
        except ValidationError as error:
            raise Poison(f"not a command envelope: {error.errors()[0]['msg']}") from error
        await self.execute(envelope)

    async def execute(self, envelope: CommandEnvelope) -> CommandOutcome | None:
        """Handles a command; None if it had been handled before."""
        with bind_correlation(correlation_id=envelope.correlation_id, command=envelope.type):
            try:
                return await self._accept(envelope)
            except Refused as refusal:
                log.info("command.rejected", reason=str(refusal))
                return await self._reject(envelope, str(refusal))

    async def _accept(self, envelope: CommandEnvelope) -> CommandOutcome | None:
        handler, command = self._decode(envelope)
        for _ in range(ATTEMPTS):
            try:
                async with unit_of_work(self.store, self.clock) as uow:
                    if not await uow.claim_message(CONSUMER, envelope.command_id):
                        return None
                    await handler(command, CommandContext(uow, envelope))
                    outcome = _outcome(envelope, "accepted", events=uow.appended)
                    await self._reply(uow, envelope, outcome)
                    await uow.commit()
                    log.info("command.accepted", events=len(uow.appended))
                    return outcome
            except WrongExpectedVersion:
                continue  # another writer got there first: decide again on the new state
        raise Rejected("the file kept changing while this command was handled; send it again")

    async def _reject(self, envelope: CommandEnvelope, reason: str) -> CommandOutcome | None:
        async with unit_of_work(self.store, self.clock) as uow:
            if not await uow.claim_message(CONSUMER, envelope.command_id):
                return None
            outcome = _outcome(envelope, "rejected", reason=reason)
            await self._reply(uow, envelope, outcome)
            await uow.commit()
            return outcome

    def _decode(self, envelope: CommandEnvelope) -> tuple[Handler, Command]:
        try:
            model = commands.model(envelope.type)
            handler = self.handlers[envelope.type]
        except (UnknownMessageType, KeyError):
            raise Rejected(f"this service does not handle {envelope.type!r}") from None
        try:
            return handler, model.model_validate(envelope.payload)
        except ValidationError as error:
            raise Rejected(f"invalid {envelope.type}: {_describe(error)}") from None

    async def _reply(
        self, uow: UnitOfWork, envelope: CommandEnvelope, outcome: CommandOutcome
    ) -> None:
        headers = {"correlation-id": envelope.correlation_id, "command-id": envelope.command_id}
        await uow.enqueue(
            envelope.reply_to or self.default_reply_topic,
            envelope.command_id,
            outcome.model_dump(mode="json"),
            headers,
        )


def _outcome(
    envelope: CommandEnvelope,
    status: str,
    *,
    events: Sequence[EventEnvelope] = (),
    reason: str | None = None,
) -> CommandOutcome:
    return CommandOutcome(
        command_id=envelope.command_id,
        correlation_id=envelope.correlation_id,
        status=status,
        events=[e.model_dump(mode="json") for e in events],
        reason=reason,
    )


def _derived_id(command_id: str, stream_id: str, n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"command:{command_id}/{stream_id}/{n}"))


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}" for e in error.errors()
    )
