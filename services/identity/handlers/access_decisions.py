"""Keeps each holder's access to the persons of their booklet decided (ID-7): again on every
fact that can change it (a dependant added, the person registering, the person's mandate or
refusal), and when the decision changes by itself (a birthday, the end of the month to block)
by a durable timer on the injected clock.

Whatever causes a decision saves it through the repository of that work: a command's, the
dossier event's (`Repository.for_event`), the timer's (`Repository.for_timer`), a
registration's; so the same cause handled again stores nothing twice. The facts come from
read-model adapters (`uow.view`), which a command handler's unit test replaces with fakes.

While the person's processing is restricted (DOS-12, GDPR art. 18) nothing is decided for
them by itself: the last decision stands and no timer is set, until the restriction is lifted
and the access is decided again. What the person says themselves (a mandate, a refusal) is
their consent to that processing (art. 18(2)) and is decided at once, still without a timer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.identity.adapters import members
from services.identity.adapters.member_accounts import MemberAccounts
from services.identity.adapters.members import Members
from services.identity.domain.accounts import Account
from services.identity.domain.holder_access import HolderAccess
from services.identity.handlers import erasure
from shared.contracts import EventEnvelope, events
from shared.contracts.dossier import DependantAdded
from shared.contracts.privacy import ProcessingRestrictionLifted
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository

TIMER = "access.reconsider"

# What the person says before the decision is taken again (give or withdraw a mandate, refuse).
Say = Callable[[HolderAccess, datetime], None]


async def reconsider(
    uow: UnitOfWork,
    aggregates: Repository,
    holder: str,
    person: str,
    *,
    say: Say | None = None,
) -> HolderAccess:
    access = await aggregates.get(HolderAccess, holder, person)
    now = uow.clock.now()
    if say is not None:
        say(access, now)
    facts = await uow.view(Members).get(person)
    if facts.restricted and say is None:
        return access
    policy = uow.federation.access_policy
    decision = access.reconsider(policy, facts.birth_date, await _registered_at(uow, person), now)
    await aggregates.save(access)
    if decision.changes_at is not None and not facts.restricted:
        due = decision.changes_at
        await uow.schedule(
            Timer(
                f"{TIMER}:{access.stream_id}:{due.isoformat()}",
                TIMER,
                due,
                {"holder": holder, "person": person},
                aggregates.correlation_id,
            )
        )
    return access


async def reconsider_person(uow: UnitOfWork, aggregates: Repository, person: str) -> None:
    """Decides again the access of the holder of the person's booklet to the person: when the
    person was added to the booklet, or registered with a password of their own (from then on
    they may refuse the holder, and e-Mut's month to do so starts)."""
    holder = await holder_for(uow, person)
    if holder is not None:
        await reconsider(uow, aggregates, holder, person)


async def apply_dossier_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """Identity's reading of the dossier: who the members are and who it no longer identifies,
    then the access a new dependant, or a person whose restriction was lifted, asks to decide."""
    if (person_id := erasure.forgotten(envelope)) is not None:
        await erasure.forget(uow, envelope, person_id)
    await members.apply_dossier_event(uow, envelope)
    if envelope.type in (DependantAdded.type_name, ProcessingRestrictionLifted.type_name):
        changed = events.decode(envelope)
        await reconsider_person(uow, Repository.for_event(uow, envelope), changed.person_id)


async def on_timer(timer: Timer, uow: UnitOfWork) -> None:
    holder, person = timer.payload["holder"], timer.payload["person"]
    await reconsider(uow, Repository.for_timer(uow, timer), holder, person)


async def holder_for(uow: UnitOfWork, person: str) -> str | None:
    """The holder of the person's booklet, if the person is a dependant on one."""
    known = uow.view(Members)
    found = await known.get(person)
    if found is None or found.role == "holder":
        return None
    holder = await known.holder_of(found.booklet_id)
    return holder.person_id if holder else None


async def _registered_at(uow: UnitOfWork, person: str) -> datetime | None:
    account_id = await uow.view(MemberAccounts).account_of(person)
    if account_id is None:
        return None
    history = await uow.read_stream(Account.stream(account_id))
    return history[0].occurred_at if history else None
