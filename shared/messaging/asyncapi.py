"""A service's Kafka interface as an AsyncAPI 3.0 document, made by faststream from typed
subscribers and publishers: the commands it takes (each command's payload schema and who may
send it), the events it publishes and reads, its outcomes and its dead letters.

The document is made from a broker of its own that never connects: the runtime reads all its
topics with one subscriber in one consumer group (shared.service: every group join costs
seconds), which faststream cannot describe message by message."""

from __future__ import annotations

from typing import Any, Literal, Union

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from pydantic import create_model

from shared.contracts import CommandEnvelope, CommandOutcome, EventEnvelope, events
from shared.messaging.topics import (
    command_keys_topic,
    commands_topic,
    dead_letter_topic,
    events_topic,
    outcomes_topic,
)
from shared.privacy.command_sealing import CommandKey
from shared.settings import KafkaSettings

# Which service publishes the events of a contracts module (shared/contracts/<module>.py). The
# privacy rights, a person's care and insurances are the dossier's (PersonalDataExported is also
# every exporting service's); youth savings are payments'.
PUBLISHER_OF_MODULE = {
    "access": "identity",
    "privacy": "dossier",
    "care": "dossier",
    "insurance": "dossier",
    "youth_savings": "payments",
    "hospital": "payments",
}


def document(service, kafka: KafkaSettings) -> dict[str, Any]:
    """The AsyncAPI document of `service` (a shared.service.ServiceDefinition)."""
    broker = KafkaBroker(kafka.bootstrap_servers)
    name = service.name
    handled = sorted(service.command_handlers, key=lambda command: command.type_name)
    if handled:
        takes = Union[tuple(_command_envelope(command) for command in handled)]  # noqa: UP007

        async def take(command: takes) -> None:  # type: ignore[valid-type]
            """A command for this service; its outcome goes to the outcomes topic."""

        broker.subscriber(commands_topic(kafka, name), title=f"{name} commands")(take)
        outcomes = broker.publisher(
            outcomes_topic(kafka, name), title=f"{name} outcomes", schema=CommandOutcome
        )
        outcomes(take)
        broker.publisher(
            command_keys_topic(kafka, name),
            title=f"{name} command keys",
            description="The public key of each day commands are sealed with, or its destruction",
            schema=CommandKey,
        )
    own = _event_envelopes(name)
    if own:
        broker.publisher(events_topic(kafka, name), title=f"{name} events", schema=own)
    for subscription in service.subscriptions:
        sources = _producers() if subscription.services == "*" else subscription.services
        for source in sources:
            read = _event_envelopes(source) or EventEnvelope

            async def apply(event: read) -> None:  # type: ignore[valid-type]
                """Events of another service this one keeps a projection of."""

            topic = events_topic(kafka, source)
            broker.subscriber(
                topic,
                title=f"{subscription.name}: {source} events",
                description=f"Refused events go to {dead_letter_topic(topic)}",
            )(apply)
    spec = AsyncAPI(broker, title=f"mutualis {name}", version="1", schema_version="3.0.0")
    return spec.to_specification().to_jsonable()


def _command_envelope(command) -> type:
    return create_model(
        f"{command.type_name}Envelope",
        __base__=CommandEnvelope,
        __doc__=(command.__doc__ or command.type_name).strip()
        + f"\n\nAllowed roles: {', '.join(sorted(command.allowed_roles))}."
        + "\n\nOn Kafka the payload travels sealed for the service: "
        + '`{"$sealed": …}`, the key named by `sealed_for` (shared.privacy.command_sealing).',
        type=(Literal[command.type_name], ...),
        payload=(command, ...),
    )


def _event_envelopes(service: str) -> Any:
    """The union of the typed envelopes of the events `service` publishes, or None."""
    typed = [
        create_model(
            f"{event.type_name}Envelope",
            __base__=EventEnvelope,
            type=(Literal[event.type_name], ...),
            payload=(event, ...),
        )
        for event in map(events.model, events.names())
        if _producer(event) == service
    ]
    return Union[tuple(typed)] if typed else None  # noqa: UP007


def _producer(model: type) -> str:
    module = model.__module__.rpartition(".")[2]
    return PUBLISHER_OF_MODULE.get(module, module)


def _producers() -> list[str]:
    return sorted({_producer(events.model(name)) for name in events.names()})
