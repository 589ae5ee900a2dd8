"""Who may act: every service keeps identity's signing keys and blocks in its own projection
(learnt from identity's events, never by asking identity) and checks each request with it."""

from pathlib import Path

from shared.access.read_model import apply_identity_event
from shared.access.tokens import Principal, Unauthorized, verify_access_token
from shared.eventstore.database import Migrations
from shared.messaging.consumer import Subscription

MIGRATIONS = Migrations(Path(__file__).parent / "migrations", "alembic_version_access")


def subscription() -> Subscription:
    return Subscription("access", ["identity"], apply_identity_event)


__all__ = [
    "MIGRATIONS",
    "Principal",
    "Unauthorized",
    "subscription",
    "verify_access_token",
]
