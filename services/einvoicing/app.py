"""The einvoicing service, wired."""

from pathlib import Path

from services.einvoicing import (
    announcements,
    api,
    billing,
    delivery,
    incoming,
    learning,
    notices,
    personal_data,
    reminders,
)
from services.einvoicing.domain.premiums import shipped_premium_tables
from services.einvoicing.read_model import InvoicesProjection
from shared import access
from shared.eventstore import unit_of_work
from shared.eventstore.database import Migrations
from shared.messaging.consumer import Subscription
from shared.privacy import exports
from shared.service import Runtime, ServiceDefinition


async def _start(runtime: Runtime) -> None:
    # A billing run is always coming: a new service, or one that was down over its run time.
    async with unit_of_work(runtime.store, runtime.clock) as uow:
        await billing.schedule_runs(uow)
        await uow.commit()


definition = ServiceDefinition(
    name="einvoicing",
    command_handlers={**incoming.HANDLERS, **delivery.HANDLERS, **announcements.HANDLERS},
    projections=lambda: [
        InvoicesProjection(),
        delivery.DeliveryChoicesProjection(),
        announcements.AnnouncementsProjection(),
    ],
    timer_handlers={
        **billing.HANDLERS,
        **reminders.HANDLERS,
        **notices.HANDLERS,
        **exports.HANDLERS,
    },
    subscriptions=[
        access.subscription(),
        Subscription("households", ["dossier"], learning.apply_dossier_event),
        Subscription("inbox", ["identity"], delivery.apply_identity_event),
        exports.subscription("einvoicing", personal_data.part_of),
    ],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_einvoicing"),
        access.MIGRATIONS,
        exports.MIGRATIONS,
    ],
    on_start=_start,
    routers=[api.router],
    # The premium tables are read and checked before the service takes any work: a wrong file
    # stops it rather than invoice wrong amounts.
    wiring=lambda _runtime: shipped_premium_tables(),
)
