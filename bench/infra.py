"""What the bench runs against: a Kafka broker, a PostgreSQL server, fresh databases."""

from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aiokafka import AIOKafkaProducer

from shared.messaging.local_broker import LocalBroker, free_port
from shared.settings import KafkaSettings
from tests.support.postgres import PostgresServer
from tests.support.trust import make_folder


@dataclass(frozen=True)
class Sizes:
    single: int  # transactions of 1 event, 1 writer
    concurrent: int  # transactions of 1 event per writer, 4 writers
    batches: int  # transactions of 100 events
    history: int  # events already in the store when appends are timed
    relay: int  # events the relay publishes
    rebuild: int  # events a projection rebuild applies
    latency: int  # commands timed one at a time
    warmup: int  # events written untimed before the clock starts (at least 10 transactions)
    certificates: int = 1_000_000  # care certificates the payments bench imports and pays
    members: int = 100_000  # persons they are for

    @classmethod
    def full(cls) -> "Sizes":
        return cls(single=1000, concurrent=250, batches=100, history=5000, relay=20_000,
                   rebuild=20_000, latency=200, warmup=100)

    @classmethod
    def quick(cls) -> "Sizes":
        return cls(single=100, concurrent=25, batches=10, history=500, relay=2_000,
                   rebuild=2_000, latency=20, warmup=10, certificates=20_000, members=5_000)


@dataclass
class Backends:
    """The broker and database server of one run; started before, stopped after, the loop."""

    kafka: KafkaSettings
    postgres: PostgresServer
    tmp: Path
    _broker: LocalBroker | None = None

    @classmethod
    def start(cls) -> "Backends":
        broker = None
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not bootstrap:
            broker = LocalBroker(port=free_port()).start()
            bootstrap = broker.bootstrap_servers
        kafka = KafkaSettings(
            KAFKA_BOOTSTRAP_SERVERS=bootstrap, KAFKA_NAMESPACE=f"bench{uuid.uuid4().hex[:8]}."
        )
        postgres = PostgresServer()
        given = os.environ.get("BENCH_POSTGRES_URL")
        if given:  # a server; any database name in it is ignored
            parts = urlsplit(given)
            postgres.url = f"{parts.scheme}://{parts.netloc}"
        else:
            postgres.start()
        tmp = Path(tempfile.mkdtemp(prefix="mutualis-bench-"))
        # The services and the relay sign what they publish, as they do in production.
        os.environ["MUTUALIS_TRUST_DIR"] = str(make_folder(tmp / "trust"))
        return cls(kafka, postgres, tmp, broker)

    def stop(self) -> None:
        import shutil

        if self._broker:
            self._broker.stop()
        self.postgres.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @contextmanager
    def sqlite_file(self):
        """A fresh SQLite file path in the run's temp dir; removed afterwards."""
        path = self.tmp / f"{uuid.uuid4().hex[:12]}.sqlite"
        try:
            yield path
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    @asynccontextmanager
    async def postgres_database(self):
        """A fresh PostgreSQL database; yields its SQLAlchemy (asyncpg) URL; dropped afterwards."""
        url = await self.postgres.create_database()
        try:
            yield url
        finally:
            await self.postgres.drop_database(url)

    @asynccontextmanager
    async def database_url(self, backend: str):
        """A fresh database of our store's kind: `sqlite` or `postgresql`."""
        if backend == "sqlite":
            with self.sqlite_file() as path:
                yield f"sqlite+aiosqlite:///{path}"
        else:
            async with self.postgres_database() as url:
                yield url


def plain_url(sqlalchemy_url: str) -> str:
    """postgresql+asyncpg://… → postgresql://… (for asyncpg and psycopg themselves)."""
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://")


def sqlite_path(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.removeprefix("sqlite+aiosqlite:///")


def services_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """A producer with the settings of shared.messaging.broker.make_broker: what a baseline or
    a seeding sends with, so that it is measured as the services send."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        linger_ms=5,
        max_batch_size=128 * 1024,
        enable_idempotence=False,
    )
