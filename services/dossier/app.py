"""The dossier service, wired."""

from pathlib import Path

from services.dossier import api, handlers
from services.dossier.read_model import BookletsProjection
from shared import access
from shared.eventstore.database import Migrations
from shared.service import ServiceDefinition

definition = ServiceDefinition(
    name="dossier",
    command_handlers=handlers.HANDLERS,
    projections=lambda: [BookletsProjection()],
    subscriptions=[access.subscription()],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_dossier"),
        access.MIGRATIONS,
    ],
    routers=[api.router],
)
