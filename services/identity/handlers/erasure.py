"""A person the dossier no longer identifies, erased (DOS-12) or whose identification's
retention ended with their membership (DOS-13), is forgotten by identity too: no longer a
member, their portal account closed (every service then refuses its tokens), the login its
events sealed under the account shredded, and what identity keeps of it in its own tables (the
login and password hash, app PINs, one-time codes, refresh tokens) deleted. The account's
events stay, as structure."""

from __future__ import annotations

from sqlalchemy import delete

from services.identity.adapters.member_accounts import MemberAccounts
from services.identity.adapters.members import Members
from services.identity.adapters.private_tables import (
    app_devices,
    credentials,
    registration_codes,
)
from services.identity.domain.accounts import Account
from services.identity.handlers.saving import save_accounts
from shared.contracts import EventEnvelope, events
from shared.contracts.dossier import PersonErased, RetentionEnded
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository


def forgotten(envelope: EventEnvelope) -> str | None:
    """The person the dossier's event says is no longer identified, if it says so."""
    if envelope.type == PersonErased.type_name:
        return events.decode(envelope).person_id
    if envelope.type == RetentionEnded.type_name:
        ended = events.decode(envelope)
        return ended.person_id if ended.category == "identification" else None
    return None


async def forget(uow: UnitOfWork, envelope: EventEnvelope, person_id: str) -> None:
    known = uow.view(Members)
    member = await known.get(person_id)
    if member is not None:
        number = registration_codes.c.national_register_number
        await uow.conn.execute(
            delete(registration_codes).where(number == member.national_register_number)
        )
        await known.forget(person_id)
    member_accounts = uow.view(MemberAccounts)
    account_id = await member_accounts.account_of(person_id)
    if account_id is None:
        return
    aggregates = Repository.for_event(uow, envelope)
    account = await aggregates.get(Account, account_id)
    account.close_for_erasure(envelope.actor.account_id if envelope.actor else envelope.producer)
    await save_accounts(aggregates, account)
    await uow.shred(account_id)
    for table in (credentials, app_devices):
        await uow.conn.execute(delete(table).where(table.c.account_id == account_id))
    await member_accounts.remove(person_id)
