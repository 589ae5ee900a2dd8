"""Commands: handled once each, their outcome (events, or a rejection with its reason) sent to
the service's outcomes topic through the outbox, so it is published if and only if the work
committed.

A command is done by someone: over Kafka the envelope carries the sender's access token,
verified here from the service's own access projection, and a proof made with the session key
the token is bound to, for this one command (shared.command_proof); in-process callers (an HTTP
route) pass the actor they authenticated. Over Kafka its payload is sealed for this service
(shared.privacy.command_sealing), opened once the sender is authenticated; one in clear, or
sealed for a key this service does not hold (destroyed, or never made), is rejected. The
actor's role must be one the command allows, and the actor is kept on every event and in the
command log (ID-9)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiokafka import ConsumerRecord
from pydantic import ValidationError
from sqlalchemy import insert

from shared.access.tokens import Unauthorized, verify_access_token
from shared.clock import Clock
from shared.command_proof import InvalidProof, Sent, check_proof
from shared.contracts import (
    Actor,
    Command,
    CommandEnvelope,
    CommandOutcome,
    EventEnvelope,
    UnknownMessageType,
    commands,
)
from shared.contracts.envelope import CONTENT_TYPE
from shared.eventstore import (
    EventStore,
    UnitOfWork,
    WrongExpectedVersion,
    unit_of_work,
)
from shared.eventstore.repository import Repository, derived_ids
from shared.eventstore.schema import command_log
from shared.keys import CannotUnwrap
from shared.logging import bind_correlation, get_logger
from shared.messaging.consumer import Poison, blaming
from shared.metrics import Metrics
from shared.privacy.command_keys import CommandKeys
from shared.privacy.command_sealing import CannotOpen, open_sealed, sealed_epoch
from shared.privacy.envelopes import withheld
from shared.problems import Problem
from shared.reference import Federation
from shared.refusal import Refused
from shared.retrying import retry_on_conflict

log = get_logger(__name__)
T = TypeVar("T")

CONSUMER = "commands"


@dataclass
class CommandContext:
    """What a handler works with: the unit of work (SQL, or in memory in a handler's unit test),
    the command's envelope, who sent it, and the repository of its aggregates, whose events get
    ids derived from the command id (handling the same command again stores nothing twice) and
    carry the actor and the correlation."""

    uow: UnitOfWork
    envelope: CommandEnvelope
    actor: Actor | None  # None: the service's own action (`CommandBus.perform`)
    aggregates: Repository = field(init=False)

    def __post_init__(self) -> None:
        self.aggregates = Repository(
            self.uow,
            ids=derived_ids(f"command:{self.envelope.command_id}"),
            correlation_id=self.envelope.correlation_id,
            causation_id=self.envelope.command_id,
            actor=self.actor,
        )

    @property
    def now(self):
        return self.uow.clock.now()

    @property
    def federation(self) -> Federation:
        return self.uow.federation

    def acting_as(self, actor: Actor | None) -> Repository:
        """The repository for events this command records in another's name: the holder who
        proved who they are during the action (a login, an activation), or nobody's (None),
        for a decision the service takes in its course."""
        who = actor.account_id if actor else "service"
        return Repository(
            self.uow,
            ids=derived_ids(f"command:{self.envelope.command_id}/as:{who}"),
            correlation_id=self.envelope.correlation_id,
            causation_id=self.envelope.command_id,
            actor=actor,
        )

    def derived_id(self, kind: str) -> str:
        """The id of something this command creates (an account): the same command, the same id."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}:{self.envelope.command_id}"))


Handler = Callable[[Any, CommandContext], Awaitable[None]]


class CommandBus:
    def __init__(
        self,
        store: EventStore,
        clock: Clock,
        handlers: Mapping[type[Command], Handler],
        commands_topic: str,
        outcomes_topic: str,
        metrics: Metrics | None = None,
    ) -> None:
        self.store, self.clock = store, clock
        self.metrics = metrics or Metrics()
        self.handlers = {model.type_name: handler for model, handler in handlers.items()}
        # Proofs name the topic they were sent to: one made for another service's commands
        # does not pass here.
        self.commands_topic = commands_topic
        # The only place outcomes go: a sender does not get to choose a topic this service
        # writes to (it could name another service's events).
        self.outcomes_topic = outcomes_topic

    async def handle_records(self, records: Sequence[ConsumerRecord]) -> None:
        """Commands taken from Kafka, each in a transaction of its own."""
        for record in records:
            with blaming(record):
                await self.handle_record(record)

    async def handle_record(self, record: ConsumerRecord) -> None:
        try:
            envelope = CommandEnvelope.model_validate_json(record.value)
        except ValidationError as error:
            raise Poison(f"not a command envelope: {error.errors()[0]['msg']}") from error
        try:
            actor = await self._authenticate(envelope)
        except Unauthorized as refusal:
            with bind_correlation(correlation_id=envelope.correlation_id, command=envelope.type):
                log.info("command.unauthenticated", reason=str(refusal))
                await self._reject(envelope, None, f"not authenticated: {refusal}")
            return
        try:
            opened = await self._open(envelope)
        except CannotOpen as refusal:
            reason = f"a command on Kafka must be sealed for {self.store.producer}: {refusal}"
            with bind_correlation(correlation_id=envelope.correlation_id, command=envelope.type):
                log.info("command.not_opened", reason=reason)
                await self._reject(envelope, actor, reason)
            return
        await self.execute(opened, actor)

    async def execute(self, envelope: CommandEnvelope, actor: Actor) -> CommandOutcome | None:
        """Handles a command done by `actor`; None if it had been handled before."""
        with bind_correlation(correlation_id=envelope.correlation_id, command=envelope.type):
            try:
                return await self._accept(envelope, actor)
            except Refused as refusal:
                log.info("command.rejected", reason=str(refusal))
                return await self._reject(envelope, actor, str(refusal))

    async def perform(
        self,
        kind: str,
        actor: Actor | None,
        work: Callable[[CommandContext], Awaitable[T]],
        *,
        correlation_id: str | None = None,
    ) -> T:
        """An action of this service's own HTTP API that is no command on Kafka, because what it
        takes or answers must not travel on a topic (a password, tokens, an activation code),
        done as a command all the same: one unit of work, redone on a version conflict; its
        events get ids derived from its command id and carry `actor` (None: the service itself,
        e.g. a password login before anyone is authenticated); a command-log line records it,
        and a refusal (`Refused`, `Problem`) too. `work` may commit what a refusal must keep
        (a wrong code's attempt) before raising. Its result goes to the caller only."""
        envelope = CommandEnvelope(
            type=kind,
            payload={},
            issued_at=self.clock.now(),
            **({"correlation_id": correlation_id} if correlation_id else {}),
        )
        with bind_correlation(correlation_id=envelope.correlation_id, command=kind):
            try:
                async for attempt in retry_on_conflict():
                    with attempt:
                        async with unit_of_work(self.store, self.clock) as uow:
                            result = await work(CommandContext(uow, envelope, actor))
                            await self._log(uow, envelope, actor, "accepted")
                            await uow.commit()
                self.metrics.commands.labels(kind, "accepted").inc()
                return result
            except (Refused, Problem, WrongExpectedVersion) as refusal:
                reason = getattr(refusal, "detail", None) or str(refusal)
                log.info("command.rejected", reason=reason)
                async with unit_of_work(self.store, self.clock) as uow:
                    await self._log(uow, envelope, actor, "rejected", reason)
                    await uow.commit()
                self.metrics.commands.labels(kind, "rejected").inc()
                raise

    async def _authenticate(self, envelope: CommandEnvelope) -> Actor:
        if not envelope.access_token:
            raise Unauthorized("the command carries no access token")
        now = self.clock.now()
        async with self.store.database.read() as conn:
            principal = await verify_access_token(conn, envelope.access_token, now)
        try:
            sent = Sent(
                envelope.command_id,
                envelope.type,
                self.commands_topic,
                envelope.payload,
                envelope.access_token,
            )
            check_proof(envelope.proof, principal.session_key, sent, now)
        except InvalidProof as refusal:
            raise Unauthorized(str(refusal)) from None
        return principal.actor

    async def _open(self, envelope: CommandEnvelope) -> CommandEnvelope:
        """The command with its payload opened by this service's key of the epoch it was
        sealed for; raises CannotOpen."""
        epoch, service = sealed_epoch(envelope), self.store.producer
        async with self.store.database.read() as conn:
            try:
                private = await CommandKeys(conn, self.store.kek, service).private_key(epoch)
            except CannotUnwrap:
                raise CannotOpen(f"{service}'s key of epoch {epoch} does not unwrap") from None
        return open_sealed(envelope, service, private)

    async def _accept(self, envelope: CommandEnvelope, actor: Actor) -> CommandOutcome | None:
        handler, command = self._decode(envelope, actor)
        try:
            # Another writer got there first: decide again on the new state.
            async for attempt in retry_on_conflict():
                with attempt:
                    async with unit_of_work(self.store, self.clock) as uow:
                        if not await uow.claim_message(CONSUMER, envelope.command_id):
                            return None
                        await handler(command, CommandContext(uow, envelope, actor))
                        outcome = _outcome(envelope, "accepted", events=uow.appended)
                        await self._finish(uow, envelope, actor, outcome)
                        log.info("command.accepted", events=len(uow.appended))
                        return outcome
        except WrongExpectedVersion:
            raise Refused(
                "the file kept changing while this command was handled; send it again"
            ) from None

    async def _reject(
        self, envelope: CommandEnvelope, actor: Actor | None, reason: str
    ) -> CommandOutcome | None:
        async with unit_of_work(self.store, self.clock) as uow:
            if not await uow.claim_message(CONSUMER, envelope.command_id):
                return None
            outcome = _outcome(envelope, "rejected", reason=reason)
            await self._finish(uow, envelope, actor, outcome)
            return outcome

    def _decode(self, envelope: CommandEnvelope, actor: Actor) -> tuple[Handler, Command]:
        try:
            model = commands.model(envelope.type)
            handler = self.handlers[envelope.type]
        except (UnknownMessageType, KeyError):
            raise Refused(f"this service does not handle {envelope.type!r}") from None
        if actor.role not in model.allowed_roles:
            raise Refused(f"a {actor.role} may not send {envelope.type}")
        try:
            return handler, model.model_validate(envelope.payload)
        except ValidationError as error:
            raise Refused(f"invalid {envelope.type}: {_describe(error)}") from None

    async def _finish(
        self,
        uow: UnitOfWork,
        envelope: CommandEnvelope,
        actor: Actor | None,
        outcome: CommandOutcome,
    ) -> None:
        """Logs the command, queues its outcome for the reply topic, and commits."""
        await self._log(uow, envelope, actor, outcome.status, outcome.reason)
        await self._reply(uow, envelope, outcome)
        await uow.commit()
        # Any sender can name any type: only the ones handled here become a series of their own.
        kind = envelope.type if envelope.type in self.handlers else "unknown"
        self.metrics.commands.labels(kind, outcome.status).inc()

    async def _log(
        self,
        uow: UnitOfWork,
        envelope: CommandEnvelope,
        actor: Actor | None,
        status: str,
        reason: str | None = None,
    ) -> None:
        await uow.conn.execute(
            insert(command_log).values(
                command_id=envelope.command_id,
                type=envelope.type,
                actor=actor.model_dump() if actor else None,
                issued_at=envelope.issued_at,
                handled_at=uow.clock.now(),
                status=status,
                reason=reason,
            )
        )

    async def _reply(
        self, uow: UnitOfWork, envelope: CommandEnvelope, outcome: CommandOutcome
    ) -> None:
        headers = {
            "correlation_id": envelope.correlation_id,
            "command-id": envelope.command_id,
            "content-type": CONTENT_TYPE,
        }
        await uow.enqueue(
            self.outcomes_topic, envelope.command_id, outcome.model_dump_json().encode(), headers
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
        events=[withheld(e) for e in events],
        reason=reason,
    )


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}" for e in error.errors()
    )
