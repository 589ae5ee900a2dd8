"""The dossier service, wired."""

from pathlib import Path

from services.dossier import api, handlers, retention_timers
from services.dossier.read_model import BookletsProjection
from shared import access
from shared.eventstore.database import Migrations
from shared.privacy.retention import retention
from shared.service import ServiceDefinition

definition = ServiceDefinition(
    name="dossier",
    command_handlers=handlers.HANDLERS,
    projections=lambda: [BookletsProjection()],
    timer_handlers=retention_timers.HANDLERS,
    subscriptions=[access.subscription()],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_dossier"),
        access.MIGRATIONS,
    ],
    routers=[api.router],
    # The retention periods (DOS-13), read and checked before the service takes any work: a
    # wrong file stops it rather than shred at the wrong time.
    wiring=lambda _runtime: retention(),
)
