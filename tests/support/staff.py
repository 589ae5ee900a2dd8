"""Tokens for tests: a signer that announces its public key on identity's event topic, exactly
as identity does, so a service under test learns it through Kafka and verifies the tokens with
its own access projection. Staff and members in tests are then who the tokens say; which
person a member's account is, the signer announces the same way."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import jwt
from aiokafka import AIOKafkaProducer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from mutualis.staff import Sender, send_command
from shared.access.persons import Persons
from shared.access.read_model import signing_keys
from shared.access.tokens import ALGORITHM, AUDIENCE, ISSUER
from shared.clock import Clock, SystemClock
from shared.command_proof import public_jwk
from shared.contracts import Actor, CommandOutcome, Event, EventEnvelope
from shared.contracts.identity import PortalAccountRegistered, SigningKeyPublished
from shared.messaging.broker import event_headers
from shared.messaging.topics import ensure_topics, events_topic
from shared.service import Runtime
from shared.settings import KafkaSettings
from tests.support import dossier
from tests.support.trust import signed_headers
from tests.support.waiting import eventually


class Signer:
    def __init__(self, kafka: KafkaSettings, clock: Clock | None = None) -> None:
        self.kafka = kafka
        # Tokens are issued at this clock's time: a test on a fake clock sets it to that one.
        self.clock = clock or SystemClock()
        self.key = Ed25519PrivateKey.generate()
        self.key_id = uuid.uuid4().hex

    async def announce(self) -> None:
        public_pem = (
            self.key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        key = SigningKeyPublished(
            key_id=self.key_id, algorithm=ALGORITHM, public_key_pem=public_pem
        )
        await self.publish(key, f"signing-key-{self.key_id}")

    async def announce_member(
        self, runtime: Runtime, account_id: str, person: str, person_id: str | None = None
    ) -> str:
        """Identity's word that the account is the member with national register number
        `person`, named by `person_id` (by default the one the dossier's facts of
        tests/support/dossier.py give them); waits until the service has learnt it. The id."""
        person_id = person_id or dossier.person_id(person)
        registered = PortalAccountRegistered(
            account_id=account_id,
            login=f"login-{account_id}",
            role="member",
            verified_by="eid",
            person_id=person_id,
        )
        await self.publish(registered, f"account-{account_id}")

        async def known() -> bool:
            async with runtime.database.read() as conn:
                return await Persons(conn).person_of(account_id) == person_id

        assert await eventually(known), f"{runtime.definition.name} never learnt {account_id}"

    async def publish(self, event: Event, stream_id: str) -> None:
        """Publishes `event` on identity's topic as identity's relay would."""
        envelope = EventEnvelope(
            event_id=str(uuid.uuid4()),
            type=event.type_name,
            version=event.version,
            occurred_at=datetime.now(timezone.utc),
            stream_id=stream_id,
            stream_version=1,
            correlation_id=str(uuid.uuid4()),
            producer="identity",
            payload=event.model_dump(mode="json"),
        )
        topic = events_topic(self.kafka, "identity")
        await ensure_topics(self.kafka, [topic])
        producer = AIOKafkaProducer(bootstrap_servers=self.kafka.bootstrap_servers, acks="all")
        await producer.start()
        value = envelope.model_dump_json().encode()
        try:
            await producer.send_and_wait(
                topic,
                value,
                key=envelope.stream_id.encode(),
                headers=signed_headers("identity", value, event_headers(envelope)),
            )
        finally:
            await producer.stop()

    def token(
        self,
        role: str = "admin",
        account_id: str | None = None,
        method: str = "pwd",
        session_key: Ed25519PrivateKey | None = None,
    ) -> str:
        """An access token, bound to `session_key` when given (as identity binds a staff
        session's)."""
        issued = self.clock.now()
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": account_id or f"{role}-{uuid.uuid4().hex[:8]}",
            "role": role,
            "iat": int(issued.timestamp()),
            "exp": int((issued + timedelta(minutes=10)).timestamp()),
            "jti": uuid.uuid4().hex,
            "amr": [method],
        }
        if session_key:
            claims["cnf"] = {"jwk": public_jwk(session_key)}
        return jwt.encode(claims, self.key, algorithm=ALGORITHM, headers={"kid": self.key_id})

    def sender(self, role: str = "admin", account_id: str | None = None) -> Sender:
        """A staff session: a token bound to a key of its own, and the key."""
        key = Ed25519PrivateKey.generate()
        return Sender(self.token(role, account_id, session_key=key), key)

    async def known_by(self, runtime: Runtime) -> None:
        """Waits until the service has learnt this signer's key from Kafka."""

        async def known() -> bool:
            async with runtime.database.read() as conn:
                found = await conn.scalar(
                    select(signing_keys.c.key_id).where(signing_keys.c.key_id == self.key_id)
                )
            return found is not None

        assert await eventually(known), f"{runtime.definition.name} never learnt the test key"

    async def send(
        self, service: str, command: str, payload: dict, role: str = "admin", timeout: float = 60
    ) -> CommandOutcome:
        """Sends a command over Kafka as a staff member with `role`. The timeout is a ceiling for
        four test workers on two cores, not an expected wait."""
        return await send_command(
            self.kafka, service, command, payload, self.sender(role), timeout, self.clock
        )


# An actor an in-process caller (an HTTP route, a test) has already authenticated.
HANDLER = Actor(account_id="handler-1", role="complaints_handler", authenticated_by="pwd")
