"""What a service under test recorded in its event store, read back as a witness: every
committed event, also those a consumer would still wait for (the read horizon), as the service
itself reads them (personal fields opened with its keys)."""

from __future__ import annotations

from shared.contracts import EventEnvelope
from shared.service import Runtime


async def recorded(runtime: Runtime, event_type: str) -> list[EventEnvelope]:
    async with runtime.database.read() as conn:
        stored = await runtime.store.read_all(conn, limit=100_000, settled=False)
        return await runtime.store.open(
            conn, [r.envelope for r in stored if r.envelope.type == event_type]
        )
