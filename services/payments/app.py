"""The payments service, wired."""

from pathlib import Path

from services.payments import (
    api,
    benefits,
    certificates,
    covers,
    erasure,
    hospital_claims,
    household_years,
    members,
    payment_runs,
    personal_data,
    premiums,
    youth_savings,
    youth_savings_api,
)
from services.payments.domain.hospital.tables import shipped_hospital_tables
from services.payments.domain.maf import shipped_maf_rules
from services.payments.domain.tariffs import shipped_tariffs
from services.payments.domain.youth_savings import shipped_youth_savings_rules
from services.payments.hospital_read_model import HospitalClaimsProjection
from services.payments.read_model import PaymentsHistory
from services.payments.youth_savings_read_model import YouthSavingsAccounts
from shared import access
from shared.eventstore import unit_of_work
from shared.eventstore.database import Migrations
from shared.messaging.consumer import Subscription
from shared.privacy import exports
from shared.service import Runtime, ServiceDefinition


async def _start(runtime: Runtime) -> None:
    # A run is always coming: a new service, or one that was down over its run time.
    async with unit_of_work(runtime.store, runtime.clock) as uow:
        await payment_runs.schedule_runs(uow)
        await uow.commit()


def _rules(_runtime: Runtime) -> None:
    # The tariffs, MAF ceilings, youth savings rules and hospital tables are read and checked
    # before the service takes any work: a wrong file stops it rather than pay wrong figures.
    shipped_tariffs()
    shipped_maf_rules()
    shipped_youth_savings_rules()
    shipped_hospital_tables()


definition = ServiceDefinition(
    name="payments",
    command_handlers={
        **certificates.HANDLERS,
        **household_years.HANDLERS,
        **benefits.HANDLERS,
        **youth_savings.HANDLERS,
        **hospital_claims.HANDLERS,
    },
    projections=lambda: [PaymentsHistory(), YouthSavingsAccounts(), HospitalClaimsProjection()],
    timer_handlers={
        **payment_runs.HANDLERS,
        **benefits.TIMER_HANDLERS,
        **youth_savings.TIMER_HANDLERS,
        **exports.HANDLERS,
    },
    subscriptions=[
        access.subscription(),
        Subscription("members", ["dossier"], members.apply_dossier_event),
        Subscription("erasure", ["dossier"], erasure.apply_dossier_event),
        Subscription("covers", ["dossier"], covers.apply_dossier_event),
        # PAY-1: the premiums households paid, for their financial history.
        Subscription("premiums", ["einvoicing"], premiums.apply_einvoicing_event),
        # Its part of a person's copy for their access request (DOS-12).
        exports.subscription("payments", personal_data.part_of),
    ],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_payments"),
        access.MIGRATIONS,
        exports.MIGRATIONS,
    ],
    on_start=_start,
    routers=[api.router, youth_savings_api.router],
    wiring=_rules,
)
