"""The monitoring service, wired."""

from pathlib import Path

from services.monitoring import api
from services.monitoring.read_model import count_event
from shared.eventstore.database import Migrations
from shared.service import ServiceDefinition, Subscription

definition = ServiceDefinition(
    name="monitoring",
    subscriptions=[Subscription("counts", services="*", apply=count_event)],
    migrations=[Migrations(Path(__file__).parent / "migrations", "alembic_version_monitoring")],
    routers=[api.router],
)
