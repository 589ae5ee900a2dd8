"""The complaints service, wired."""

from pathlib import Path

from services.complaints import api, deadline_timers, erasure, handlers
from services.complaints.read_model import ComplaintsProjection
from shared import access
from shared.eventstore.database import Migrations
from shared.messaging.consumer import Subscription
from shared.service import ServiceDefinition

definition = ServiceDefinition(
    name="complaints",
    command_handlers=handlers.HANDLERS,
    projections=lambda: [ComplaintsProjection()],
    timer_handlers=deadline_timers.HANDLERS,
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_complaints"),
        access.MIGRATIONS,
    ],
    # From the dossier only who was erased (DOS-12): complaints name persons by id.
    subscriptions=[
        access.subscription(),
        Subscription("erasure", ["dossier"], erasure.apply_dossier_event),
    ],
    routers=[api.router],
)
