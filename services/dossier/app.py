"""The dossier service, wired."""

from pathlib import Path

from services.dossier import (
    api,
    care,
    contributions,
    copies,
    documents_api,
    handlers,
    insurances,
    personal_data,
    privacy_api,
    privacy_timers,
    retention_timers,
    rights,
)
from services.dossier.care_read_model import CareProjection
from services.dossier.insurance_read_model import InsurancesProjection
from services.dossier.privacy_read_model import PrivacyRequestsProjection
from services.dossier.read_model import BookletsProjection
from shared import access
from shared.eventstore.database import Migrations
from shared.messaging.consumer import Subscription
from shared.privacy import exports
from shared.privacy.retention import retention
from shared.service import ServiceDefinition

definition = ServiceDefinition(
    name="dossier",
    command_handlers={
        **handlers.HANDLERS,
        **rights.HANDLERS,
        **care.HANDLERS,
        **insurances.HANDLERS,
    },
    projections=lambda: [
        BookletsProjection(),
        PrivacyRequestsProjection(),
        CareProjection(),
        InsurancesProjection(),
    ],
    timer_handlers={**retention_timers.HANDLERS, **privacy_timers.HANDLERS, **exports.HANDLERS},
    subscriptions=[
        access.subscription(),
        # Its own requests for a copy (DOS-12) it answers like every service, from its own
        # topic; and it assembles the copy from every service's part, its own among them.
        exports.subscription("dossier", personal_data.part_of),
        copies.subscription(),
        # DOS-3: whether each household pays what it is invoiced.
        Subscription("contributions", ["einvoicing"], contributions.apply_einvoicing_event),
    ],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_dossier"),
        access.MIGRATIONS,
        exports.MIGRATIONS,
    ],
    routers=[api.router, privacy_api.router, documents_api.router],
    # The retention periods (DOS-13), read and checked before the service takes any work: a
    # wrong file stops it rather than shred at the wrong time.
    wiring=lambda _runtime: retention(),
)
