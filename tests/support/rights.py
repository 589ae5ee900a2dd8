"""Fakes of the dossier's read-model adapters of the member's rights (DOS-12), for handlers'
unit tests on the in-memory unit of work: a dict or two each, as transactional as the
in-memory unit of work makes them (a refused command leaves them as they were)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.dossier.open_requests import OpenRequest


class FakeKnownPersons:
    """services.dossier.person_index.KnownPersons from a dict: person id → booklet."""

    def __init__(self, booklets: dict[str, str] | None = None) -> None:
        self.booklets = dict(booklets or {})

    async def booklet_of(self, person_id: str) -> str | None:
        return self.booklets.get(person_id)


class FakeOpenRequests:
    """services.dossier.open_requests.OpenRequests from a dict: (person, right, decision) →
    the open request."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str, str], OpenRequest] = {}

    async def of(self, person_id: str, right: str, decision: str | None) -> OpenRequest | None:
        return self.open.get((person_id, right, decision or ""))

    async def add(
        self, person_id: str, right: str, decision: str | None, request_id: str, due_on: date
    ) -> None:
        key = (person_id, right, decision or "")
        assert key not in self.open  # as the table's primary key would
        self.open[key] = OpenRequest(request_id, due_on)

    async def remove(self, request_id: str) -> None:
        self.open = {k: v for k, v in self.open.items() if v.request_id != request_id}


class FakeExports:
    """services.dossier.export_parts.Exports from a dict: (request, service) → (person, part)."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}

    async def keep(
        self,
        request_id: str,
        service: str,
        person_id: str,
        part: dict[str, Any],
        received_at: datetime,
    ) -> bool:
        if (request_id, service) in self.parts:
            return False
        self.parts[request_id, service] = (person_id, part)
        return True

    async def parts_of(self, request_id: str) -> dict[str, dict[str, Any]]:
        return {s: part for (r, s), (_, part) in self.parts.items() if r == request_id}

    async def forget_person(self, person_id: str) -> None:
        self.parts = {k: v for k, v in self.parts.items() if v[0] != person_id}

    async def forget_request(self, request_id: str) -> None:
        self.parts = {k: v for k, v in self.parts.items() if k[0] != request_id}
