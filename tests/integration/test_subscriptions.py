"""One consumer group per service: each message goes to every subscription reading its topic,
so a service may read every event stream and also identity's (for its access projection) and
its own commands (issue 8, item 8: monitoring checks staff tokens)."""

from __future__ import annotations

from shared import access
from shared.contracts import EventEnvelope
from shared.contracts.complaints import RegisterComplaint
from shared.eventstore import UnitOfWork
from shared.messaging.consumer import Subscription
from shared.service import ServiceDefinition
from tests.support.services import running
from tests.support.waiting import eventually


async def test_issue8_8_a_service_reads_every_stream_identitys_for_access_and_its_commands(
    database_url, kafka, signer
):
    seen: list[str] = []
    handled: list[str] = []

    async def watch(_uow: UnitOfWork, envelope: EventEnvelope) -> None:
        seen.append(envelope.type)

    async def take(command: RegisterComplaint, _ctx) -> None:
        handled.append(command.subject)

    # Monitoring's subscriptions, and commands besides (the trust root knows its name only).
    watcher = ServiceDefinition(
        name="monitoring",
        command_handlers={RegisterComplaint: take},
        subscriptions=[access.subscription(), Subscription("every", "*", watch)],
        migrations=[access.MIGRATIONS],
    )

    async def watched():
        return seen

    async with running(watcher, database_url, kafka) as runtime:
        await signer.known_by(runtime)  # identity's key reached the access projection…
        assert await eventually(watched)  # …and the every-stream subscription
        payload = {"complainant_name": "Els Peeters", "subject": "Refund", "description": "…"}

        outcome = await signer.send(
            "monitoring", "RegisterComplaint", payload, "complaints_handler"
        )

    assert outcome.status == "accepted", outcome.reason
    assert handled == ["Refund"]
    assert seen == ["SigningKeyPublished"]
