"""Identity's part of a person's copy (DOS-12), read in the unit of work that records it
(shared.privacy.exports): the person's portal account and the access decisions about them,
from identity's own streams, found through its tables of member accounts and members. A person
identity does not know, or forgot (erased), gets an empty part."""

from __future__ import annotations

from typing import Any

from services.identity.adapters.dependants import Dependants
from services.identity.adapters.member_accounts import MemberAccounts
from services.identity.domain import personal_data
from services.identity.domain.accounts import Account
from services.identity.domain.holder_access import HolderAccess
from services.identity.handlers.access_decisions import holder_for
from shared.contracts import EventEnvelope
from shared.eventstore import UnitOfWork


async def part_of(uow: UnitOfWork, request: EventEnvelope, person_id: str) -> dict[str, Any]:
    accounts = []
    account_id = await uow.view(MemberAccounts).account_of(person_id)
    if account_id is not None:
        accounts.append(personal_data.account(await uow.read_stream(Account.stream(account_id))))
    holder = await holder_for(uow, person_id)
    about = None
    if holder is not None:
        history = await uow.read_stream(HolderAccess.stream(holder, person_id))
        about = personal_data.holder_access(holder, history)
    others = []
    for dependant in await uow.view(Dependants).of_holder(person_id):
        history = await uow.read_stream(HolderAccess.stream(person_id, dependant))
        if (access := personal_data.access_to(dependant, history)) is not None:
            others.append(access)
    return personal_data.part(accounts, about, others)
