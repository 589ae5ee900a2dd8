"""The monitoring service, wired."""

from pathlib import Path

from services.monitoring import api
from services.monitoring.complaint_deadlines import apply_complaint_event
from services.monitoring.invoice_figures import apply_invoice_event
from services.monitoring.payment_figures import apply_payment_event
from services.monitoring.privacy_deadlines import apply_privacy_event
from services.monitoring.read_model import count_event
from shared import access
from shared.contracts import EventEnvelope
from shared.eventstore import UnitOfWork
from shared.eventstore.database import Migrations
from shared.service import ServiceDefinition, Subscription


async def watch(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """Every event is counted; the complaints service's and the dossier's privacy requests
    also feed the deadline figures, the payments service's and einvoicing's the money's."""
    await count_event(uow, envelope)
    await apply_complaint_event(uow, envelope)
    await apply_privacy_event(uow, envelope)
    await apply_payment_event(uow, envelope)
    await apply_invoice_event(uow, envelope)


definition = ServiceDefinition(
    name="monitoring",
    # Identity's events also feed the access projection that checks staff tokens.
    subscriptions=[access.subscription(), Subscription("counts", services="*", apply=watch)],
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_monitoring"),
        access.MIGRATIONS,
    ],
    routers=[api.router],
)
