"""How every Kafka client of the project authenticates to the broker, from KafkaSettings: the
same options for faststream's broker and for the aiokafka clients the tools use."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

from shared.settings import KafkaSettings

if TYPE_CHECKING:  # the command line's clients need no faststream: it costs them a second
    from faststream.security import BaseSecurity


def _ssl_context(kafka: KafkaSettings) -> ssl.SSLContext | None:
    if not kafka.security_protocol.endswith("SSL"):
        return None
    return ssl.create_default_context(cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments of an aiokafka producer, consumer or admin client."""
    options: dict[str, Any] = {"bootstrap_servers": kafka.bootstrap_servers}
    if kafka.security_protocol == "PLAINTEXT":
        return options
    return options | {
        "security_protocol": kafka.security_protocol,
        "sasl_mechanism": kafka.sasl_mechanism,
        "sasl_plain_username": kafka.sasl_username,
        "sasl_plain_password": kafka.sasl_password.get_secret_value(),
        "ssl_context": _ssl_context(kafka),
    }


def broker_security(kafka: KafkaSettings) -> "BaseSecurity | None":
    """faststream's form of the same."""
    from faststream.security import SASLScram256, SASLScram512

    if kafka.security_protocol == "PLAINTEXT":
        return None
    scram = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256}
    return scram[kafka.sasl_mechanism](
        kafka.sasl_username,
        kafka.sasl_password.get_secret_value(),
        ssl_context=_ssl_context(kafka),
        use_ssl=kafka.security_protocol == "SASL_SSL",
    )
