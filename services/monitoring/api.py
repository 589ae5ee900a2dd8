"""Monitoring's HTTP API: event counts, the complaint procedure's deadlines, consumer lag."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from services.monitoring.complaint_deadlines import figures
from services.monitoring.lag import consumer_lag
from services.monitoring.read_model import event_counts
from shared.service import Runtime


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["monitoring"])

    @api.get("/counts")
    async def counts() -> dict[str, dict[str, int]]:
        """Events seen per service and type."""
        async with runtime.database.read() as conn:
            rows = await conn.execute(select(event_counts).order_by(event_counts.c.producer))
            result: dict[str, dict[str, int]] = {}
            for row in rows:
                result.setdefault(row.producer, {})[row.type] = row.count
        return result

    @api.get("/complaints")
    async def complaints() -> dict:
        """Open complaints per state, those waiting past a deadline (file numbers), and the
        share of acknowledgements (CMP-3) and status messages (CMP-5) sent on time."""
        async with runtime.database.read() as conn:
            return (await figures(conn)).as_dict()

    @api.get("/lag")
    async def lag() -> dict:
        """Messages each consumer group still has to read, per topic."""
        return {
            "note": "approximate on the local broker, whose end offsets can lag behind",
            "groups": await consumer_lag(runtime.settings.kafka),
        }

    return api
