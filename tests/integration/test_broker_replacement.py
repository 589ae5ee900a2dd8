"""Issue 8, finding 9: losing the broker loses nothing.

The local broker keeps nothing across a restart; before this, a service republished its store
only when it happened to create its own events topic at its own start, never noticed a new
broker while running, and kept reading a topic's old positions. Here the broker is replaced
while the dossier, complaints and monitoring services run, started in either order: afterwards
every events topic holds every stored event again, monitoring's read model agrees with the
stores, and every command sent after the loss is handled exactly once."""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import AsyncExitStack
from datetime import date

import pytest
from sqlalchemy import func, select

from mutualis.staff import send_command
from services.complaints.app import definition as complaints_service
from services.dossier.app import definition as dossier_service
from services.monitoring.app import definition as monitoring_service
from services.monitoring.read_model import event_counts
from shared.eventstore.schema import command_log
from shared.messaging.local_broker import LocalBroker, free_port
from shared.messaging.topics import events_topic
from shared.settings import KafkaSettings
from tests.integration.test_dossier import HOLDER
from tests.support.dossier import insz
from tests.support.kafka import read_topic
from tests.support.services import running
from tests.support.staff import Signer
from tests.support.waiting import eventually

SERVICES = {"dossier": dossier_service, "complaints": complaints_service}
COMPLAINT = {"complainant_name": "An", "subject": "Late refund", "description": "…"}


@pytest.fixture
async def broker():
    """A broker of this test's own, which it may replace."""
    port = free_port()
    holder = {"broker": LocalBroker(port=port).start()}
    yield holder
    holder["broker"].stop()


def settings_of(broker: LocalBroker) -> KafkaSettings:
    return KafkaSettings(
        KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
        KAFKA_NAMESPACE=f"t{uuid.uuid4().hex[:10]}.",
        KAFKA_SESSION_TIMEOUT_MS=2000,
        KAFKA_HEARTBEAT_INTERVAL_MS=300,
        KAFKA_CLUSTER_CHECK_INTERVAL_S=0.5,
    )


@pytest.mark.parametrize("order", ["producers first", "monitoring first"])
async def test_issue8_9_the_broker_is_replaced_while_every_service_runs(broker, tmp_path, order):
    kafka = settings_of(broker["broker"])
    signer = Signer(kafka)
    await signer.announce()
    names = ["dossier", "complaints", "monitoring"]
    if order == "monitoring first":
        names.reverse()
    definitions = {**SERVICES, "monitoring": monitoring_service}
    async with AsyncExitStack() as stack:
        runtimes = {}
        for name in names:
            url = f"sqlite+aiosqlite:///{tmp_path / name}.sqlite"
            runtimes[name] = await stack.enter_async_context(running(definitions[name], url, kafka))
        for name in SERVICES:
            await signer.known_by(runtimes[name])

        async def commands(n: int, tag: str) -> list:
            outcomes = []
            for i in range(n):
                outcomes.append(await _enrol(kafka, signer, tag, i))
                outcomes.append(
                    await send_command(
                        kafka,
                        "complaints",
                        "RegisterComplaint",
                        COMPLAINT,
                        signer.sender("complaints_handler"),
                        60,
                    )
                )
            assert {o.status for o in outcomes} == {"accepted"}, [o.reason for o in outcomes]
            return outcomes

        await commands(3, "before")
        assert await eventually(lambda: _monitoring_agrees(runtimes), timeout=60)

        broker["broker"].stop()
        broker["broker"] = LocalBroker(port=broker["broker"].port).start()

        after = await commands(3, "after")
        assert await eventually(lambda: _monitoring_agrees(runtimes), timeout=60)
        for name in SERVICES:
            stored = await _stored_ids(runtimes[name])
            records = await read_topic(
                kafka.bootstrap_servers, events_topic(kafka, name), at_least=len(stored)
            )
            assert {dict(r.headers)["event-id"].decode() for r in records} == stored, name
        handled = Counter()
        for name in SERVICES:
            async with runtimes[name].database.read() as conn:
                handled.update(await conn.scalars(select(command_log.c.command_id)))
        assert all(handled[o.command_id] == 1 for o in after), handled


async def _enrol(kafka, signer, tag: str, i: int):
    born = date(1980 + i, 2 if tag == "before" else 3, 1)
    holder = {**HOLDER, "national_register_number": insz(born, 100 + i), "birth_date": str(born)}
    return await send_command(
        kafka,
        "dossier",
        "EnrolMember",
        {"booklet_id": f"{tag}-{i}-{uuid.uuid4().hex[:6]}", "holder": holder},
        signer.sender("member_services"),
        60,
    )


async def _stored_ids(runtime) -> set[str]:
    async with runtime.database.read() as conn:
        return {
            r.envelope.event_id
            for r in await runtime.store.read_all(conn, limit=10_000, settled=False)
        }


async def _monitoring_agrees(runtimes) -> bool:
    """Monitoring counted each stored event of the dossier and complaints once."""
    expected = Counter()
    for name in SERVICES:
        async with runtimes[name].database.read() as conn:
            for r in await runtimes[name].store.read_all(conn, limit=10_000, settled=False):
                expected[(name, r.envelope.type)] += 1
    async with runtimes["monitoring"].database.read() as conn:
        rows = (
            await conn.execute(
                select(event_counts.c.producer, event_counts.c.type, func.sum(event_counts.c.count))
                .where(event_counts.c.producer.in_(list(SERVICES)))
                .group_by(event_counts.c.producer, event_counts.c.type)
            )
        ).all()
    return {(p, t): c for p, t, c in rows} == dict(expected)
