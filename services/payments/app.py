"""The payments service, wired."""

from pathlib import Path

from services.payments import (
    api,
    benefits,
    certificates,
    erasure,
    household_years,
    members,
    payment_runs,
)
from services.payments.domain.maf import shipped_maf_rules
from services.payments.domain.tariffs import shipped_tariffs
from services.payments.read_model import PaymentsHistory
from shared import access
from shared.eventstore import unit_of_work
from shared.eventstore.database import Migrations
from shared.messaging.consumer import Subscription
from shared.service import Runtime, ServiceDefinition


async def _start(runtime: Runtime) -> None:
    # A run is always coming: a new service, or one that was down over its run time.
    async with unit_of_work(runtime.store, runtime.clock) as uow:
        await payment_runs.schedule_runs(uow)
        await uow.commit()


def _rules(_runtime: Runtime) -> None:
    # The tariffs and MAF ceilings are read and checked before the service takes any work:
    # a wrong file stops it rather than reimburse on wrong figures.
    shipped_tariffs()
    shipped_maf_rules()


definition = ServiceDefinition(
    name="payments",
    command_handlers={**certificates.HANDLERS, **household_years.HANDLERS, **benefits.HANDLERS},
    projections=lambda: [PaymentsHistory()],
    timer_handlers={**payment_runs.HANDLERS, **benefits.TIMER_HANDLERS},
    subscriptions=[
        access.subscription(),
        Subscription("members", ["dossier"], members.apply_dossier_event),
        Subscription("erasure", ["dossier"], erasure.apply_dossier_event),
    ],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_payments"),
        access.MIGRATIONS,
    ],
    on_start=_start,
    routers=[api.router],
    wiring=_rules,
)
