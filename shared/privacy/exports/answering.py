"""A service's answer to an access or portability request (DOS-12, GDPR art. 15, 20): on the
dossier's `PersonalDataRequested` it records `PersonalDataExported` with its own part of the
person's copy, in its stream `personal-data-export-<request id>`. The part is sealed under the
request (category `export`), so the data key that opens it is this service's key of that
request, shared with the dossier alone (sharing.yaml); a month after it was made a durable
timer shreds the key (retention.yaml: `export`), and so does the person's erasure.

What the service holds of the person is its own `PartOf` (a part builder per service); an
unknown person gets an empty part, still recorded, so the request completes, and an erased one
what the law keeps of them (payments' books, restricted), most often nothing.
Answered once: the stream holds one event, and a request taken again (a redelivery, the same
request published twice) records nothing and makes no second key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from shared.aggregate import Aggregate
from shared.contracts import Event, EventEnvelope, events
from shared.contracts.dossier import PersonErased
from shared.contracts.privacy import PersonalDataExported, PersonalDataRequested
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository
from shared.messaging.consumer import EventApplier
from shared.privacy.exports.made import Exports
from shared.privacy.retention import BRUSSELS, retention

# What the service holds of a person, as JSON: (its unit of work, the request's envelope, the
# person's id) → its part of the copy ({} when it holds nothing of them).
PartOf = Callable[[UnitOfWork, EventEnvelope, str], Awaitable[dict[str, Any]]]

EXPORT = "export"
KEPT = "privacy.export_kept"  # the timer that ends a copy's month


@dataclass
class PersonalDataExport(Aggregate):
    """One service's part of the copy made for one request: made once."""

    request_id: str
    # Its state is whether its stream has an event: the repository reads the stream's length
    # only, never the sealed part.
    length_is_state: ClassVar[bool] = True

    @classmethod
    def stream(cls, request_id: str) -> str:
        return f"personal-data-export-{request_id}"

    @property
    def made(self) -> bool:
        return not self.is_new

    def make(self, person_id: str, service: str, part: dict[str, Any]) -> None:
        if self.made:
            return
        self.record(
            PersonalDataExported(
                request_id=self.request_id, person_id=person_id, service=service, part=part
            )
        )

    def apply(self, event: Event) -> None:
        pass  # nothing but its existence


def answering(service: str, part_of: PartOf) -> EventApplier:
    """How `service` reads the dossier's events: answers each request for a copy with its
    part, and shreds the copies it made of a person the dossier erased."""

    async def apply(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        if envelope.type == PersonalDataRequested.type_name:
            await _answer(uow, envelope, service, part_of)
        elif envelope.type == PersonErased.type_name:
            await _shred_copies_of(uow, events.decode(envelope).person_id)

    return apply


async def _answer(uow: UnitOfWork, envelope: EventEnvelope, service: str, part_of: PartOf):
    requested: PersonalDataRequested = events.decode(envelope)
    request_id, person_id = requested.request_id, requested.person_id
    aggregates = Repository.for_event(uow, envelope)
    export = await aggregates.get(PersonalDataExport, request_id)
    if export.made:
        return
    export.make(person_id, service, await part_of(uow, envelope, person_id))
    await aggregates.save(export)
    made_at = uow.clock.now()
    await uow.view(Exports).add(request_id, person_id, made_at)
    # Kept a month from the day it was made (retention.yaml), then its key is shredded.
    due = retention().ends_at(EXPORT, made_at.astimezone(BRUSSELS).date())
    payload = {"request_id": request_id}
    await uow.schedule(Timer(_timer_id(request_id), KEPT, due, payload, envelope.correlation_id))


async def _shred_copies_of(uow: UnitOfWork, person_id: str) -> None:
    exports = uow.view(Exports)
    made = await exports.of_person(person_id)
    for request_id in made:
        await uow.shred(request_id, categories=[EXPORT])
        await uow.cancel_timer(_timer_id(request_id))
    if made:
        await exports.forget(*made)


async def on_kept_a_month(timer: Timer, uow: UnitOfWork) -> None:
    """The copy's month is over: its key is shredded here (and, through the keys topic, at the
    dossier), so the part reads as erased wherever it is stored or published."""
    request_id = timer.payload["request_id"]
    await uow.shred(request_id, categories=[EXPORT])
    await uow.view(Exports).forget(request_id)


def _timer_id(request_id: str) -> str:
    return f"{KEPT}:{request_id}"
