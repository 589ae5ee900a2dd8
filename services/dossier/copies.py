"""DOS-12, the right of access (GDPR art. 15, 20): the copy of a person's data, assembled in
the dossier from each service's part.

Every service in EXPORTING_SERVICES reads `PersonalDataRequested` and records
`PersonalDataExported` with what it holds of the person, sealed under the request so that only
the dossier opens it (shared/privacy/sharing.yaml). The dossier reads those events from each
service's topic, its own included: a service may subscribe to its own events topic like any
other (shared.service routes a topic to its subscriptions whoever owns it; provenance holds,
as the dossier signed them), so its own part takes the same road as the others' and is
assembled by the same code, once, idempotently (`claim_message`; the subscription passes over
the other events of those topics, as identity's reading of the dossier does). Each part is
kept, by request and service, as its producer proved it (the envelope's producer, never what
the payload claims); once every service's part is in, the request is answered
(`PrivacyRequest.exported`), in the same transaction.

A part that arrives again is kept once; a part of a request that is not an access request of
that person, of a person erased meanwhile, or that does not open (erased, or sealed by a
service the dossier is not entitled to read) is logged and dropped."""

from __future__ import annotations

from services.dossier import privacy_timers
from services.dossier.domain.privacy_request import PrivacyRequest
from services.dossier.export_parts import EXPORTING_SERVICES, Exports
from services.dossier.person_index import booklet_with
from shared.contracts import EventEnvelope, events
from shared.contracts.privacy import PersonalDataExported
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository
from shared.logging import get_logger
from shared.messaging.consumer import Subscription
from shared.privacy.marking import concealment
from shared.privacy.retention import BRUSSELS

log = get_logger(__name__)


def subscription() -> Subscription:
    return Subscription("exports", EXPORTING_SERVICES, assemble)


async def assemble(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """Keeps one service's part of a copy; answers the request once the copy is complete."""
    if envelope.type != PersonalDataExported.type_name:
        return
    exported = events.decode(envelope)
    service, request_id = envelope.producer, exported.request_id
    dropped = _why_dropped(exported, service)
    aggregates = Repository.for_event(uow, envelope)
    request = await aggregates.get(PrivacyRequest, request_id)
    if dropped is None and (request.right != "access" or request.person_id != exported.person_id):
        dropped = "no access request of this person"
    if dropped is None and await booklet_with(uow, aggregates, request.person_id) is None:
        dropped = "the person is erased"
    if dropped is not None:
        log.warning("privacy.export_part_dropped", request_id=request_id, reason=dropped)
        return
    parts = uow.view(Exports)
    now = uow.clock.now()
    await parts.keep(request_id, service, request.person_id, exported.part, now)
    made_on = now.astimezone(BRUSSELS).date()
    await privacy_timers.keep_copy_until_retention_ends(
        uow, request_id, made_on, envelope.correlation_id
    )
    if set(EXPORTING_SERVICES) <= set(await parts.parts_of(request_id)):
        request.exported()
        await aggregates.save(request)
        await privacy_timers.answered(uow, request)


def _why_dropped(exported: PersonalDataExported, producer: str) -> str | None:
    if exported.service != producer:
        return f"{producer} sent a part it says is {exported.service}'s"
    if producer not in EXPORTING_SERVICES:
        return f"{producer} makes no part of the copy"
    concealed = concealment(exported.part)
    if concealed is not None:
        return f"the part reads {concealed}"
    return None
