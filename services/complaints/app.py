"""The complaints service, wired."""

from pathlib import Path

from services.complaints import api, deadline_timers, erasure, handlers, personal_data
from services.complaints.read_model import ComplaintsProjection
from shared import access
from shared.eventstore.database import Migrations
from shared.messaging.consumer import Subscription
from shared.privacy import exports
from shared.service import ServiceDefinition

definition = ServiceDefinition(
    name="complaints",
    command_handlers=handlers.HANDLERS,
    projections=lambda: [ComplaintsProjection()],
    timer_handlers={**deadline_timers.HANDLERS, **exports.HANDLERS},
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_complaints"),
        access.MIGRATIONS,
        exports.MIGRATIONS,
    ],
    # From the dossier only who was erased and who asked for a copy (DOS-12): complaints name
    # persons by id.
    subscriptions=[
        access.subscription(),
        Subscription("erasure", ["dossier"], erasure.apply_dossier_event),
        exports.subscription("complaints", personal_data.part_of),
    ],
    routers=[api.router],
)
