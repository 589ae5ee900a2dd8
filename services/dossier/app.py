"""The dossier service, wired."""

from pathlib import Path

from services.dossier import (
    api,
    exports,
    handlers,
    privacy_api,
    privacy_timers,
    retention_timers,
    rights,
)
from services.dossier.privacy_read_model import PrivacyRequestsProjection
from services.dossier.read_model import BookletsProjection
from shared import access
from shared.eventstore.database import Migrations
from shared.privacy.retention import retention
from shared.service import ServiceDefinition

definition = ServiceDefinition(
    name="dossier",
    command_handlers={**handlers.HANDLERS, **rights.HANDLERS},
    projections=lambda: [BookletsProjection(), PrivacyRequestsProjection()],
    timer_handlers={**retention_timers.HANDLERS, **privacy_timers.HANDLERS},
    # The parts of the copies for access requests (DOS-12), the dossier's own among them.
    subscriptions=[access.subscription(), exports.subscription()],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_dossier"),
        access.MIGRATIONS,
    ],
    routers=[api.router, privacy_api.router],
    # The retention periods (DOS-13), read and checked before the service takes any work: a
    # wrong file stops it rather than shred at the wrong time.
    wiring=lambda _runtime: retention(),
)
