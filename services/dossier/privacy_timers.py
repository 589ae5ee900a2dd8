"""The durable timers of the member's rights (DOS-12): a request's one-month deadline (GDPR
art. 12(3)), and the end of the month an assembled copy is kept (the `export` category's
retention, shared/privacy/retention.yaml).

Timer ids derive from the request, so scheduling again (a command redelivered, a second part
of the same copy) changes nothing: the first one stands. A request answered has its deadline
cancelled; a deadline that fires anyway finds it answered and records nothing."""

from __future__ import annotations

from datetime import date

from services.dossier.domain.privacy_request import PrivacyRequest, overdue_at
from services.dossier.export_parts import Exports
from services.dossier.open_requests import OpenRequests
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository
from shared.privacy.retention import retention

DEADLINE = "dossier.privacy_request_deadline"
COPY_END = "dossier.privacy_copy_end"


def _deadline_id(request_id: str) -> str:
    return f"{DEADLINE}:{request_id}"


async def keep_deadline(uow: UnitOfWork, request: PrivacyRequest, correlation_id: str) -> None:
    """At the end of the request's due day it is overdue, unless answered by then."""
    payload = {"request_id": request.request_id}
    timer_id = _deadline_id(request.request_id)
    await uow.schedule(Timer(timer_id, DEADLINE, overdue_at(request.due), payload, correlation_id))


async def answered(uow: UnitOfWork, request: PrivacyRequest) -> None:
    """The request is answered: its deadline goes, and the person may ask again."""
    await uow.cancel_timer(_deadline_id(request.request_id))
    await uow.view(OpenRequests).remove(request.request_id)


async def keep_copy_until_retention_ends(
    uow: UnitOfWork, request_id: str, made_on: date, correlation_id: str
) -> None:
    """The copy is kept for the export category's period from the day its first part came in:
    its makers shred the keys of their parts that long after making them, and the assembled
    copy does not outlive them."""
    due_at = retention().ends_at("export", made_on)
    payload = {"request_id": request_id}
    timer_id = f"{COPY_END}:{request_id}"
    await uow.schedule(Timer(timer_id, COPY_END, due_at, payload, correlation_id))


async def on_deadline(timer: Timer, uow: UnitOfWork) -> None:
    aggregates = Repository.for_timer(uow, timer)
    request = await aggregates.get(PrivacyRequest, timer.payload["request_id"])
    request.miss()
    await aggregates.save(request)


async def on_copy_end(timer: Timer, uow: UnitOfWork) -> None:
    await uow.view(Exports).forget_request(timer.payload["request_id"])


HANDLERS = {DEADLINE: on_deadline, COPY_END: on_copy_end}
