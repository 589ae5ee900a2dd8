"""Keeps each holder's access to the persons of their booklet decided (ID-7): again on every
fact that can change it (a dependant added, the person registering, the person's mandate or
refusal), and when the decision changes by itself (a birthday, the end of the month to block)
by a durable timer on the injected clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity import members
from services.identity.domain.accounts import stream_id as account_stream
from services.identity.domain.holder_access import HolderAccess
from services.identity.members import holder_of, member
from services.identity.secrets import national_register_logins
from shared.contracts import Actor, EventEnvelope, events, new_id
from shared.contracts.dossier import DependantAdded
from shared.eventstore import PendingEvent, Timer, UnitOfWork
from shared.reference import configured_federation

TIMER = "access.reconsider"

# What the person says before the decision is taken again (give or withdraw a mandate, refuse).
Say = Callable[[HolderAccess, datetime], None]


def stream_id(holder: str, person: str) -> str:
    # Pseudonymous: stream ids travel as Kafka keys, national register numbers should not.
    return f"holder-access-{uuid.uuid5(uuid.NAMESPACE_URL, f'{holder}/{person}')}"


async def reconsider(
    uow: UnitOfWork,
    holder: str,
    person: str,
    *,
    say: Say | None = None,
    actor: Actor | None = None,
    correlation_id: str | None = None,
) -> HolderAccess:
    stream = stream_id(holder, person)
    history = await uow.read_stream(stream)
    access = HolderAccess.from_history(
        holder, person, [(events.decode(e), e.occurred_at) for e in history]
    )
    now = uow.clock.now()
    if say is not None:
        say(access, now)
    facts = await member(uow.conn, person)
    policy = configured_federation().access_policy
    decision = access.reconsider(policy, facts.birth_date, await _registered_at(uow, person), now)
    correlation_id = correlation_id or new_id()
    pending = [PendingEvent(event, new_id()) for event in access.pending]
    await uow.append(stream, access.version, pending, correlation_id=correlation_id, actor=actor)
    if decision.changes_at is not None:
        due = decision.changes_at
        await uow.schedule(
            Timer(
                f"{TIMER}:{stream}:{due.isoformat()}",
                TIMER,
                due,
                {"holder": holder, "person": person},
                correlation_id,
            )
        )
    return access


async def reconsider_person(uow: UnitOfWork, person: str) -> None:
    """Decides again the access of the holder of the person's booklet to the person: when the
    person was added to the booklet, or registered with a password of their own (from then on
    they may refuse the holder, and e-Mut's month to do so starts)."""
    holder = await holder_for(uow, person)
    if holder is not None:
        await reconsider(uow, holder, person)


async def apply_dossier_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """Identity's reading of the dossier: who the members are, then the access a new dependant
    asks to decide."""
    await members.apply_dossier_event(uow, envelope)
    if envelope.type == DependantAdded.type_name:
        added = events.decode(envelope)
        await reconsider_person(uow, added.dependant.national_register_number)


async def on_timer(timer: Timer, uow: UnitOfWork) -> None:
    await reconsider(
        uow, timer.payload["holder"], timer.payload["person"], correlation_id=timer.correlation_id
    )


async def own_person(conn: AsyncConnection, account_id: str) -> str | None:
    """The national register number of the member whose account this is."""
    return await conn.scalar(
        select(national_register_logins.c.national_register_number).where(
            national_register_logins.c.account_id == account_id
        )
    )


async def holder_for(uow: UnitOfWork, person: str) -> str | None:
    """The holder of the person's booklet, if the person is a dependant on one."""
    found = await member(uow.conn, person)
    if found is None or found.role == "holder":
        return None
    holder = await holder_of(uow.conn, found.booklet_id)
    return holder.national_register_number if holder else None


async def _registered_at(uow: UnitOfWork, person: str) -> datetime | None:
    account_id = await uow.conn.scalar(
        select(national_register_logins.c.account_id).where(
            national_register_logins.c.national_register_number == person
        )
    )
    if account_id is None:
        return None
    history = await uow.read_stream(account_stream(account_id))
    return history[0].occurred_at if history else None
