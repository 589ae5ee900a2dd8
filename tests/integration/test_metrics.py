"""Issue 9, item 5: every service serves Prometheus metrics at `/metrics` — HTTP requests,
Kafka messages per topic, relay and projection lag, timers, commands and dead letters — each
runtime from a registry of its own."""

from __future__ import annotations

from datetime import timedelta

import prometheus_client
from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from services.complaints.app import definition as complaints_service
from services.monitoring.app import definition as monitoring_service
from shared.messaging.topics import commands_topic, events_topic, outcomes_topic
from tests.support.http import client
from tests.support.procedure import fire, register
from tests.support.services import running
from tests.support.waiting import eventually

PAYLOAD = {"complainant_name": "An", "subject": "Late refund", "description": "…"}
REGISTER = "RegisterComplaint"
HTTP = "mutualis_http_request_duration_seconds"
COMMANDS = "mutualis_commands_total"
CONSUMED, PUBLISHED = "mutualis_consumed_messages_total", "faststream_published_messages_total"


async def scrape(api) -> dict[str, list]:
    """The samples of a service's /metrics, by sample name (`mutualis_commands_total`)."""
    response = await api.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: dict[str, list], name: str, **labels: str) -> float | None:
    """The value of the one sample `name` with `labels` (among others), None if absent."""
    found = [s.value for s in samples.get(name, []) if labels.items() <= s.labels.items()]
    assert len(found) <= 1, f"{name} {labels} is ambiguous: {found}"
    return found[0] if found else None


async def send_garbage(kafka, topic: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"not a command")
    finally:
        await producer.stop()


async def test_issue9_5_metrics_has_every_family(database_url, kafka, signer):
    commands, events = commands_topic(kafka, "complaints"), events_topic(kafka, "complaints")
    outcomes = outcomes_topic(kafka, "complaints")
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        accepted = await signer.send("complaints", REGISTER, PAYLOAD, "complaints_handler")
        rejected = await signer.send("complaints", REGISTER, {}, "complaints_handler")
        await send_garbage(kafka, commands)
        async with client(service) as api:
            unauthenticated = await api.get("/complaints/2026-000001")

            async def published_and_dead_lettered():
                samples = await scrape(api)
                relayed = value(samples, "mutualis_relay_lag_events") == 0
                dead = value(samples, "mutualis_dead_letters_total", topic=commands)
                return samples if relayed and dead else None

            samples = await eventually(published_and_dead_lettered)

    assert (accepted.status, rejected.status) == ("accepted", "rejected")
    assert samples, "the relay never caught up, or the garbage was never dead-lettered"
    # HTTP requests by route template, never by the path with its file number.
    route, status = "/complaints/{file_number}", str(unauthenticated.status_code)
    assert value(samples, f"{HTTP}_count", route=route, status=status) == 1
    assert value(samples, f"{HTTP}_bucket", route=route, status=status, le="+Inf") == 1
    assert not [s for s in samples[f"{HTTP}_count"] if "2026-000001" in s.labels.values()]
    # Kafka messages consumed (ours: taken in batches) and published (faststream's), per topic.
    assert value(samples, CONSUMED, topic=commands) >= 3
    assert value(samples, PUBLISHED, destination=events, status="success") >= 1
    assert value(samples, PUBLISHED, destination=outcomes, status="success") >= 2
    # The relay published everything; every projection is measured.
    assert value(samples, "mutualis_relay_lag_events") == 0
    measured = {s.labels["projection"] for s in samples["mutualis_projection_lag_events"]}
    assert measured == {p.name for p in complaints_service.projections()}
    # Nothing is due yet: the acknowledgement has eight days.
    assert value(samples, "mutualis_timers_due") == value(samples, "mutualis_timers_overdue") == 0
    # Commands by type and outcome; the garbage counted as a dead letter of the commands topic.
    assert value(samples, COMMANDS, type=REGISTER, outcome="accepted") == 1
    assert value(samples, COMMANDS, type=REGISTER, outcome="rejected") == 1
    assert value(samples, "mutualis_dead_letters_total", topic=commands) == 1
    # The process itself, for memory and CPU panels.
    assert value(samples, "process_resident_memory_bytes") > 0


async def test_issue9_5_lags_and_timers_are_measured_when_scraped(database_url, kafka, clock):
    async with (
        running(complaints_service, database_url, kafka, clock, background=False) as service,
        client(service) as api,
    ):
        await register(service)
        behind = await scrape(api)

        async def caught_up_now():
            # Again until done: on PostgreSQL another transaction of the cluster, still open,
            # holds back what the relay and the projections may read yet.
            await service.relay.publish_pending()
            await service.projector.run_until_caught_up()
            samples = await scrape(api)
            lags = samples["mutualis_relay_lag_events"] + samples["mutualis_projection_lag_events"]
            return samples if all(s.value == 0 for s in lags) else None

        caught_up = await eventually(caught_up_now)
        clock.advance(timedelta(days=30))  # the acknowledgement is long overdue
        late = await scrape(api)
        await fire(service)
        fired = await scrape(api)

    assert value(behind, "mutualis_relay_lag_events") >= 1
    assert all(s.value >= 1 for s in behind["mutualis_projection_lag_events"])
    assert caught_up, "the relay or a projection never caught up"
    assert value(caught_up, "mutualis_timers_due") == 0
    assert value(late, "mutualis_timers_due") >= 1
    assert value(late, "mutualis_timers_overdue") == value(late, "mutualis_timers_due")
    assert value(fired, "mutualis_timers_due") == value(fired, "mutualis_timers_overdue") == 0


async def test_issue9_5_each_runtime_counts_in_its_own_registry(database_url, kafka, tmp_path):
    monitoring_db = f"sqlite+aiosqlite:///{tmp_path / 'monitoring.sqlite'}"
    events = events_topic(kafka, "complaints")
    async with (
        running(complaints_service, database_url, kafka) as complaints,
        running(monitoring_service, monitoring_db, kafka) as monitoring,
        client(complaints) as complaints_api,
        client(monitoring) as monitoring_api,
    ):
        await register(complaints)

        async def monitoring_read_it():
            samples = await scrape(monitoring_api)
            return samples if value(samples, CONSUMED, topic=events) else None

        seen_by_monitoring = await eventually(monitoring_read_it)
        seen_by_complaints = await scrape(complaints_api)

    assert seen_by_monitoring, "monitoring never counted the complaints' events"
    assert value(seen_by_complaints, COMMANDS, type=REGISTER, outcome="accepted") == 1
    assert value(seen_by_monitoring, COMMANDS, type=REGISTER, outcome="accepted") is None
    assert value(seen_by_complaints, CONSUMED, topic=events) is None
    # prometheus_client's global registry holds none of it.
    assert b"mutualis_" not in prometheus_client.generate_latest(prometheus_client.REGISTRY)
