"""DOS-13: each category of a person's data is kept for its retention period
(shared/privacy/retention.yaml) and then shredded, by a durable timer per person and category.

A membership that ends schedules one for every category; an erasure schedules those of the
categories the law keeps after it (DOS-12), counted from the erasure or the membership's end
if earlier. Timer ids derive from the person and the category, so scheduling again (a command
redelivered, an erasure after the membership ended) changes nothing: the first one stands, and
it is never later than another would be, since it counts from the earlier day.

When one fires, the dossier records `RetentionEnded` (projections scrub that category) and
shreds the person's key of it in the same transaction. A category the dossier holds nothing of
(health today; a complaint's data is sealed under the complaint's id, at complaints) shreds no
key here, but the event still tells the services that hold some that its retention ended."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from services.dossier.domain.booklet import Booklet
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository
from shared.privacy.marking import Category
from shared.privacy.retention import retention

RETENTION_END = "dossier.retention_end"


async def keep_until_retention_ends(
    uow: UnitOfWork,
    booklet: Booklet,
    person_id: str,
    since: date,
    categories: Iterable[Category],
    correlation_id: str,
) -> None:
    """Schedules the end of the retention of the person's `categories`, counted from `since`
    (the membership's end, or the erasure when earlier)."""
    since = min(since, booklet.ended.get(person_id, since))
    for category in categories:
        payload = {"booklet_id": booklet.booklet_id, "person_id": person_id, "category": category}
        due_at = retention().ends_at(category, since)
        timer_id = f"{RETENTION_END}:{person_id}:{category}"
        await uow.schedule(Timer(timer_id, RETENTION_END, due_at, payload, correlation_id))


async def on_retention_end(timer: Timer, uow: UnitOfWork) -> None:
    aggregates = Repository.for_timer(uow, timer)
    booklet = await aggregates.get(Booklet, timer.payload["booklet_id"])
    person_id, category = timer.payload["person_id"], timer.payload["category"]
    booklet.end_retention(person_id, category)
    await aggregates.save(booklet)
    await uow.shred(person_id, categories=[category])


HANDLERS = {RETENTION_END: on_retention_end}
