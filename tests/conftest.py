"""Fixtures for every tier: a real Kafka-protocol broker and real databases (SQLite and
PostgreSQL), fresh per test, with random topic namespaces instead of cleanup."""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timezone

import pytest

from shared.clock import FakeClock
from shared.eventstore import connect
from shared.keys import create_kek_file
from shared.messaging.local_broker import LocalBroker, free_port
from shared.settings import KafkaSettings
from tests.support.identity_provider import identity_provider
from tests.support.postgres import PostgresServer
from tests.support.staff import Signer
from tests.support.trust import make_folder

pytest_plugins = ["tests.support.log_audit"]

BACKENDS = os.environ.get("TEST_BACKENDS", "sqlite,postgresql").split(",")


@pytest.fixture(scope="session", autouse=True)
def trust_root(tmp_path_factory):
    """Every service under test, and every process a test starts, trusts this root."""
    folder = make_folder(tmp_path_factory.mktemp("trust"))
    previous = os.environ.get("MUTUALIS_TRUST_DIR")
    os.environ["MUTUALIS_TRUST_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("MUTUALIS_TRUST_DIR")
    else:
        os.environ["MUTUALIS_TRUST_DIR"] = previous


@pytest.fixture(scope="session", autouse=True)
def key_encryption_key(tmp_path_factory):
    """Every identity under test, and every process a test starts, wraps its signing keys with
    this KEK (shared.keys); a MUTUALIS_KEK of the shell would make the setting ambiguous."""
    path = create_kek_file(tmp_path_factory.mktemp("kek") / "kek")
    previous = {name: os.environ.pop(name, None) for name in ("MUTUALIS_KEK", "MUTUALIS_KEK_FILE")}
    os.environ["MUTUALIS_KEK_FILE"] = str(path)
    yield path
    os.environ.pop("MUTUALIS_KEK_FILE")
    os.environ.update({name: value for name, value in previous.items() if value is not None})


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    broker = LocalBroker(port=free_port()).start()
    yield broker.bootstrap_servers
    broker.stop()


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def kafka(kafka_bootstrap) -> KafkaSettings:
    """Kafka settings with a namespace of this test's own."""
    return KafkaSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        KAFKA_NAMESPACE=f"t{uuid.uuid4().hex[:10]}.",
        # The local broker makes a group join last half the session timeout: a short one
        # lets each test's services take work in about a second instead of three.
        KAFKA_SESSION_TIMEOUT_MS=2000,
        KAFKA_HEARTBEAT_INTERVAL_MS=300,
    )


@pytest.fixture
async def signer(kafka, request) -> Signer:
    """Access tokens whose key every service of this test's namespace learns from Kafka, issued
    at the time of the test's services: its fake clock when it has one (a frozen clock falls
    behind the machine's, and a token from the machine's time would come "from the future")."""
    clock = request.getfixturevalue("clock") if "clock" in request.fixturenames else None
    signer = Signer(kafka, clock)
    await signer.announce()
    return signer


@pytest.fixture
def clock() -> FakeClock:
    """The time of a test's services; a module moves it, or starts it elsewhere."""
    return FakeClock(datetime.now(timezone.utc))


@pytest.fixture
async def provider(monkeypatch, clock) -> str:
    """The local identity provider over real HTTP, signing at the test's clock, trusted by
    identity services started after it; yields its issuer URL."""
    async with identity_provider(clock) as issuer:
        monkeypatch.setenv("IDENTITY_IDENTITY_PROVIDERS", json.dumps([issuer]))
        yield issuer


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
async def database_url(backend, tmp_path, request) -> str:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'service.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    yield url
    await server.drop_database(url)


@pytest.fixture
async def new_database(backend, tmp_path, request):
    """Makes another database of the test's backend, e.g. one per service when several run
    (each service owns its database)."""
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None
    made: list[str] = []

    async def make(name: str) -> str:
        if server is None:
            return f"sqlite+aiosqlite:///{tmp_path / f'{name}.sqlite'}"
        made.append(await server.create_database())
        return made[-1]

    yield make
    for url in made:
        await server.drop_database(url)


@pytest.fixture
async def postgres_url(postgres_server) -> str:
    url = await postgres_server.create_database()
    yield url
    await postgres_server.drop_database(url)


@pytest.fixture
async def database(database_url):
    db = connect(database_url)
    await db.migrate()
    yield db
    await db.dispose()
