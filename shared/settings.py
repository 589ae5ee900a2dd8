"""Typed settings from the environment, with embedded defaults that run on one machine."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    log_level: str = Field("INFO", validation_alias=AliasChoices("LOG_LEVEL"))
    # A file whose number of seconds moves this process's clock on (tests and demos of a
    # running system: see shared.clock.ShiftedClock); unset in production.
    clock_file: Path | None = Field(None, validation_alias=AliasChoices("MUTUALIS_CLOCK_FILE"))
    # How often background loops (relay, projections, timers) look for new work when idle.
    poll_interval_s: float = 0.05
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)

    @classmethod
    def for_service(cls, name: str, **overrides) -> "ServiceSettings":
        settings = cls(_env_prefix=f"{name.upper()}_", name=name, **overrides)
        if not settings.port:
            settings.port = DEFAULT_PORTS.get(name, 0)
        if not settings.database_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            settings.database_url = (
                f"sqlite+aiosqlite:///{settings.data_dir.resolve() / name}.sqlite"
            )
        return settings
