"""The one way every process makes its Kafka client, and the headers every message carries."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry

from shared.contracts import EventEnvelope
from shared.contracts.envelope import CONTENT_TYPE
from shared.messaging.security import broker_security
from shared.settings import KafkaSettings


def make_broker(
    kafka: KafkaSettings, client_id: str, registry: CollectorRegistry | None = None
) -> KafkaBroker:
    """A broker whose messages consumed and published per topic are counted in `registry`, when
    given (a service's own, shared.metrics)."""
    middlewares = []
    if registry is not None:
        middlewares.append(KafkaPrometheusMiddleware(registry=registry, app_name=client_id))
    return KafkaBroker(
        kafka.bootstrap_servers,
        security=broker_security(kafka),
        client_id=client_id,
        enable_idempotence=kafka.idempotent_producer,
        acks="all",
        linger_ms=5,
        max_batch_size=128 * 1024,
        allow_auto_create_topics=False,
        # Pattern subscribers (monitoring) find topics created later within seconds.
        metadata_max_age_ms=5000,
        logger=None,
        middlewares=middlewares,
    )


def event_headers(envelope: EventEnvelope) -> dict[str, str]:
    # `correlation_id` is faststream's own name for it (its consumers parse it): one name only.
    headers = {
        "event-id": envelope.event_id,
        "event-type": envelope.type,
        "event-version": str(envelope.version),
        "stream-id": envelope.stream_id,
        "correlation_id": envelope.correlation_id,
        "producer": envelope.producer,
        "content-type": CONTENT_TYPE,
    }
    if envelope.causation_id:
        headers["causation-id"] = envelope.causation_id
    return headers


def consumer_options(kafka: KafkaSettings) -> dict:
    """Read from the start with committed offsets: the local broker's end offsets are not to be
    trusted, and de-duplication by event id makes re-reading harmless."""
    return {
        "auto_offset_reset": "earliest",
        "fetch_max_wait_ms": kafka.fetch_max_wait_ms,
        "session_timeout_ms": kafka.session_timeout_ms,
        "heartbeat_interval_ms": kafka.heartbeat_interval_ms,
    }
