"""Typed settings from the environment, with embedded defaults that run on one machine."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.private_files import private_database

DEFAULT_PORTS = {
    "portal": 8000,
    "identity": 8001,
    "dossier": 8002,
    "payments": 8003,
    "einvoicing": 8004,
    "complaints": 8005,
    "monitoring": 8009,
}


class KafkaSettings(BaseSettings):
    """Where the broker is and how to talk to it; shared by every process."""

    model_config = SettingsConfigDict(extra="ignore")

    bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS")
    )
    # Prefixes every topic name and consumer group: lets several systems (or tests) share one
    # broker.
    namespace: str = Field("", validation_alias=AliasChoices("KAFKA_NAMESPACE"))
    partitions: int = Field(3, validation_alias=AliasChoices("KAFKA_PARTITIONS"), ge=1)
    # On for Apache Kafka; the local broker cannot start an idempotent producer.
    idempotent_producer: bool = Field(
        False, validation_alias=AliasChoices("KAFKA_IDEMPOTENT_PRODUCER")
    )
    # How long a fetch waits for data. The local broker answers a waiting fetch only when this
    # runs out, so it bounds every hop's latency there; Apache Kafka answers as data arrives.
    fetch_max_wait_ms: int = Field(20, validation_alias=AliasChoices("KAFKA_FETCH_MAX_WAIT_MS"))
    session_timeout_ms: int = Field(6000, validation_alias=AliasChoices("KAFKA_SESSION_TIMEOUT_MS"))
    heartbeat_interval_ms: int = Field(
        1000, validation_alias=AliasChoices("KAFKA_HEARTBEAT_INTERVAL_MS")
    )
    # How often a running service asks whether the broker became another cluster (one that
    # lost its log) and must be given its topics and events again (shared.messaging.cluster).
    cluster_check_interval_s: float = Field(
        2.0, validation_alias=AliasChoices("KAFKA_CLUSTER_CHECK_INTERVAL_S"), gt=0
    )

    # How the client proves who it is to the broker (shared.messaging.security). The local
    # broker takes PLAINTEXT; a deployment uses SASL_SSL with SCRAM and a principal per service,
    # which the broker's ACLs let write its own topics only (deploy/kafka/).
    security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", validation_alias=AliasChoices("KAFKA_SECURITY_PROTOCOL")
    )
    sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = Field(
        "SCRAM-SHA-512", validation_alias=AliasChoices("KAFKA_SASL_MECHANISM")
    )
    sasl_username: str | None = Field(None, validation_alias=AliasChoices("KAFKA_SASL_USERNAME"))
    sasl_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("KAFKA_SASL_PASSWORD")
    )
    # The CA that signed the brokers' certificates (SASL_SSL); the system's CAs when unset.
    ssl_cafile: Path | None = Field(None, validation_alias=AliasChoices("KAFKA_SSL_CAFILE"))

    @model_validator(mode="after")
    def _credentials_with_sasl(self) -> "KafkaSettings":
        if self.security_protocol.startswith("SASL") and not (
            self.sasl_username and self.sasl_password
        ):
            raise ValueError(
                f"{self.security_protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"
            )
        return self

    def topic(self, name: str) -> str:
        return f"{self.namespace}{name}"


class ServiceSettings(BaseSettings):
    """Settings of one service process. Environment names are prefixed with the service name,
    e.g. COMPLAINTS_DATABASE_URL, COMPLAINTS_PORT."""

    model_config = SettingsConfigDict(extra="ignore")

    name: str
    host: str = "127.0.0.1"
    port: int = 0
    database_url: str = ""
    data_dir: Path = Field(Path("data"), validation_alias=AliasChoices("MUTUALIS_DATA_DIR"))
    # The federation this deployment serves (ORG-1, ORG-2), the same for all its processes.
    federation: str = Field("socialist", validation_alias=AliasChoices("MUTUALIS_FEDERATION"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("LOG_LEVEL"))
    # A file whose number of seconds moves this process's clock on (tests and demos of a
    # running system: see shared.clock.ShiftedClock); unset in production.
    clock_file: Path | None = Field(None, validation_alias=AliasChoices("MUTUALIS_CLOCK_FILE"))
    # The trust root's public key and this service's producer credential (shared.trust);
    # `<data_dir>/trust` when unset, where `make run` puts them.
    trust_dir: Path | None = Field(None, validation_alias=AliasChoices("MUTUALIS_TRUST_DIR"))
    # How often background loops (relay, projections, timers) look for new work when idle.
    # What this process appends wakes them at once; the poll is for timers falling due and
    # other processes' writes, and each poll costs queries (a tenth of a busy service's CPU
    # at 50 ms).
    poll_interval_s: float = 0.25
    # "production" turns off what only helps on a developer's machine (the API docs).
    environment: Literal["local", "production"] = Field(
        "local", validation_alias=AliasChoices("MUTUALIS_ENVIRONMENT")
    )
    # <SERVICE>_API_DOCS: /docs, /redoc and /openapi.json; unset, on unless in production.
    api_docs: bool | None = None
    # <SERVICE>_MAX_REQUEST_BYTES: larger bodies are refused (413). The largest valid body,
    # a complaint's 20,000 characters written as JSON escapes (up to 12 bytes each), fits.
    max_request_bytes: int = Field(256 * 1024, ge=0)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)

    @property
    def serves_api_docs(self) -> bool:
        return self.environment != "production" if self.api_docs is None else self.api_docs

    @property
    def trust_folder(self) -> Path:
        return self.trust_dir or self.data_dir / "trust"

    @classmethod
    def for_service(cls, name: str, **overrides) -> ServiceSettings:
        settings = cls(_env_prefix=f"{name.upper()}_", name=name, **overrides)
        if not settings.port:
            settings.port = DEFAULT_PORTS.get(name, 0)
        if not settings.database_url:
            database = private_database(settings.data_dir, name)
            settings.database_url = f"sqlite+aiosqlite:///{database.resolve()}"
        return settings
