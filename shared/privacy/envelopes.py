"""Sealing events as they are stored, opening them as a service reads them.

The store keeps and the relay publishes events sealed; a service opens them in its own
transaction with the keys its database holds: its own, for its aggregates and projections,
and those other services shared with it, for the events it consumes. An event whose key was
shredded opens with its personal fields erased; one a reader holds no key for keeps them
sealed. Opening never fails on a field: an altered one reads as unreadable and is logged,
without its value."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope, events
from shared.contracts.registry import UnknownMessageType
from shared.keys import KeyEncryptionKey
from shared.logging import get_logger
from shared.privacy import keys
from shared.privacy.marking import SEALED, Category, concealment, personal_fields
from shared.privacy.sealing import Found, places

log = get_logger(__name__)


async def sealed_payloads(
    conn: AsyncConnection,
    kek: KeyEncryptionKey,
    owner: str,
    recorded: Sequence[Event],
    now: datetime,
) -> list[dict[str, Any]]:
    """The payloads of `recorded` as they are stored: personal fields sealed with `owner`'s
    keys, made for subjects met the first time."""
    payloads = [event.model_dump(mode="json") for event in recorded]
    personal = {
        n: Found(type(event), payloads[n])
        for n, event in enumerate(recorded)
        if personal_fields(type(event))
    }
    if not personal:
        return payloads
    wanted = set().union(*(found.needed_keys() for found in personal.values()))
    held = await keys.DataKeys(conn, kek).for_sealing(owner, wanted, now)
    for n, found in personal.items():
        payloads[n] = found.seal(held)
    return payloads


async def opened(
    conn: AsyncConnection, kek: KeyEncryptionKey, envelopes: Sequence[EventEnvelope]
) -> list[EventEnvelope]:
    """`envelopes` at their current version, personal fields opened where this service holds
    the key (erased where it was shredded, sealed where it holds none)."""
    current: list[tuple[int, type[Event], Found]] = []
    for n, envelope in enumerate(envelopes):
        model = _model(envelope)
        if model is not None and personal_fields(model):
            try:
                payload = events.upcast(envelope.type, envelope.payload, envelope.version)
            except UnknownMessageType:
                continue  # decoding says so, where it matters
            current.append((n, model, Found(model, payload)))
    if not current:
        return list(envelopes)
    wanted = {
        (envelopes[n].producer, subject, category)
        for n, _, found in current
        for subject, category in found.needed_keys()
    }
    held: dict[str, dict] = defaultdict(dict)  # owner → (subject, category) → key
    for (owner, subject, category), key in (
        await keys.DataKeys(conn, kek).for_opening(wanted)
    ).items():
        held[owner][subject, category] = key
    result = list(envelopes)
    for n, model, found in current:
        envelope = envelopes[n]
        opening = found.open(held[envelope.producer])
        if opening.unreadable:
            log.error(
                "personal_data.unreadable",
                event_id=envelope.event_id,
                type=envelope.type,
                fields=list(opening.unreadable),
            )
        result[n] = envelope.model_copy(
            update={"payload": opening.payload, "version": model.version}
        )
    return result


def withheld(envelope: EventEnvelope) -> EventEnvelope:
    """The stored `envelope` without its ciphertext: each sealed value replaced by the marker
    a reader holding no key for it reads. For a copy no one opens, as a command's outcome,
    which tells its sender what the command did (the events themselves go out sealed on the
    service's events topic): a third of an import batch's outcome was ciphertext."""
    model = _model(envelope)
    if model is None or not personal_fields(model):
        return envelope
    return envelope.model_copy(update={"payload": Found(model, envelope.payload).withheld()})


def still_sealed(envelope: EventEnvelope) -> set[Category]:
    """The categories of the opened `envelope` whose values stayed sealed: no key here."""
    model = _model(envelope)
    if model is None or not personal_fields(model):
        return set()
    return {
        place.field.category
        for place in places(model, envelope.payload)
        if concealment(place.container[place.name]) is SEALED
    }


def _model(envelope: EventEnvelope) -> type[Event] | None:
    try:
        model = events.model(envelope.type)
    except UnknownMessageType:
        return None
    return model if envelope.version <= model.version else None
