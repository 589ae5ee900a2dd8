"""The dossier service, wired."""

from pathlib import Path

from services.dossier import api, handlers, personal_data, retention_timers
from services.dossier.read_model import BookletsProjection
from shared import access
from shared.eventstore.database import Migrations
from shared.privacy import exports
from shared.privacy.retention import retention
from shared.service import ServiceDefinition

definition = ServiceDefinition(
    name="dossier",
    command_handlers=handlers.HANDLERS,
    projections=lambda: [BookletsProjection()],
    timer_handlers={**retention_timers.HANDLERS, **exports.HANDLERS},
    # Its own requests for a copy (DOS-12) it answers like every service, from its own topic.
    subscriptions=[access.subscription(), exports.subscription("dossier", personal_data.part_of)],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_dossier"),
        access.MIGRATIONS,
        exports.MIGRATIONS,
    ],
    routers=[api.router],
    # The retention periods (DOS-13), read and checked before the service takes any work: a
    # wrong file stops it rather than shred at the wrong time.
    wiring=lambda _runtime: retention(),
)
