"""Fakes of the read-model adapters every service shares, for handlers' unit tests on the
in-memory unit of work (shared.eventstore.memory)."""

from __future__ import annotations

from shared.contracts import Actor


class FakePersons:
    """shared.access.persons.Persons from two dicts: account → own person, holder → granted."""

    def __init__(
        self, accounts: dict[str, str] | None = None, grants: dict[str, set[str]] | None = None
    ) -> None:
        self.accounts, self.grants = accounts or {}, grants or {}

    async def person_of(self, account_id: str) -> str | None:
        return self.accounts.get(account_id)

    async def persons_of(self, actor: Actor) -> set[str]:
        own = await self.person_of(actor.account_id)
        return set() if own is None else {own, *self.grants.get(own, set())}

    async def may_act_on(self, actor: Actor, person: str) -> bool:
        return actor.role != "member" or person in await self.persons_of(actor)


class FakeFileNumbers:
    """services.complaints.file_numbers.FileNumbers from a dict: file number → complaint id.
    Not transactional: what a refused command added stays (handlers add last, once accepted)."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.known = dict(known or {})
        self.complainants: dict[str, str] = {}  # complaint id → the complainant's person id

    async def complaint_id_of(self, file_number: str) -> str | None:
        return self.known.get(file_number)

    async def add(
        self, file_number: str, complaint_id: str, complainant_person: str | None = None
    ) -> None:
        if file_number in self.known:
            raise ValueError(f"file number {file_number} is taken")  # as the primary key would
        self.known[file_number] = complaint_id
        if complainant_person is not None:
            self.complainants[complaint_id] = complainant_person

    async def filed_by(self, person_id: str) -> list[str]:
        return [c for c, person in self.complainants.items() if person == person_id]

    async def forget_person(self, person_id: str) -> None:
        self.complainants = {c: p for c, p in self.complainants.items() if p != person_id}
