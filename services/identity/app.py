"""The identity service, wired."""

from pathlib import Path

from services.identity import api, handlers
from services.identity.tokens import ensure_signing_key
from shared import access
from shared.eventstore import unit_of_work
from shared.eventstore.database import Migrations
from shared.service import Runtime, ServiceDefinition


async def _signing_key(runtime: Runtime) -> None:
    async with unit_of_work(runtime.store, runtime.clock) as uow:
        await ensure_signing_key(uow)
        await uow.commit()


definition = ServiceDefinition(
    name="identity",
    command_handlers=handlers.HANDLERS,
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_identity"),
        access.MIGRATIONS,
    ],
    # Identity guards its own member routes like every service: from its access projection.
    subscriptions=[access.subscription()],
    on_start=_signing_key,
    routers=[api.router],
)
