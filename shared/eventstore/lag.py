"""How far a follower of the store (the relay, a projection) is behind the store's head."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.eventstore.schema import events
from shared.eventstore.unit_of_work import load_checkpoint


async def lag(conn: AsyncConnection, checkpoint: str) -> int:
    """The newest position in the store minus the follower's checkpoint. Positions, not a
    count: counting the events behind would read all of them, and a follower replaying a whole
    store is asked often. On PostgreSQL a rolled-back append leaves a gap in the positions and
    a transaction may commit a lower position after a higher one, so this is a close
    estimate, exact once the follower is caught up (0)."""
    after = await load_checkpoint(conn, checkpoint)
    head = await conn.scalar(select(func.coalesce(func.max(events.c.position), 0)))
    return max(0, head - after.position)
