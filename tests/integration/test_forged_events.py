"""Issue 8, finding 1: whoever can write to a topic still cannot make a service believe them.

The probe produced, with a plain Kafka client, a `SigningKeyPublished` of its own key onto
identity's topic (then logged in with self-signed admin tokens) and an `AccessGranted` letting
member A act on member B's file. Here the same forgeries arrive three ways: unsigned, signed
under a trust root of the attacker's own, and signed with another service's genuine
credential (a compromised complaints service). Each is refused, logged and dead-lettered with
its reason, and the dossier's state and answers are what they were."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import jwt
from aiokafka import AIOKafkaProducer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from structlog.testing import capture_logs

from services.dossier.app import definition as dossier_service
from shared.access.read_model import grants, signing_keys
from shared.access.tokens import ALGORITHM, AUDIENCE, ISSUER
from shared.contracts import Event, EventEnvelope
from shared.contracts.access import AccessGranted
from shared.contracts.identity import SigningKeyPublished
from shared.messaging.broker import event_headers
from shared.messaging.topics import events_topic
from shared.trust import certify
from tests.integration.test_dossier import ELS, HOLDER, enrolled
from tests.support.dossier import insz, person_id_in
from tests.support.http import bearer, client
from tests.support.kafka import read_topic
from tests.support.services import running
from tests.support.trust import credential

ATTACKER_KEY = Ed25519PrivateKey.generate()
ATTACKER_KEY_ID = "attacker"


def forged(event: Event, stream_id: str) -> EventEnvelope:
    """An envelope that says, in every field, that identity wrote it."""
    return EventEnvelope(
        event_id=str(uuid.uuid4()),
        type=event.type_name,
        version=event.version,
        occurred_at=datetime.now(UTC),
        stream_id=stream_id,
        stream_version=1,
        correlation_id=str(uuid.uuid4()),
        producer="identity",
        payload=event.model_dump(mode="json"),
    )


def attacker_token(now: datetime) -> str:
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "attacker",
        "role": "admin",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=10)).timestamp()),
        "jti": uuid.uuid4().hex,
        "amr": ["pwd"],
    }
    return jwt.encode(claims, ATTACKER_KEY, algorithm=ALGORITHM, headers={"kid": ATTACKER_KEY_ID})


async def access_state(runtime) -> tuple[set, set]:
    async with runtime.database.read() as conn:
        keys = set(await conn.scalars(select(signing_keys.c.key_id)))
        granted = set((await conn.execute(select(grants.c.holder, grants.c.person))).all())
    return keys, granted


async def test_issue8_1_forged_signing_key_and_access_grant_are_refused_logged_and_dead_lettered(
    database_url, kafka, signer
):
    other = insz(date(1990, 1, 1), 77)
    async with running(dossier_service, database_url, kafka) as dossier:
        await signer.known_by(dossier)
        await enrolled(signer)  # Els's booklet, with CHILD
        others_booklet = await _enrolled_other(signer, other)
        els_id = await person_id_in(dossier, ELS)
        await signer.announce_member(dossier, "account-els", ELS, els_id)
        before = await access_state(dossier)

        public_pem = ATTACKER_KEY.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        forgeries = [
            forged(
                SigningKeyPublished(
                    key_id=ATTACKER_KEY_ID, algorithm=ALGORITHM, public_key_pem=public_pem.decode()
                ),
                f"signing-key-{ATTACKER_KEY_ID}",
            ),
            forged(
                AccessGranted(
                    holder=els_id, person=await person_id_in(dossier, other), why="forged"
                ),
                "access-forged",
            ),
        ]
        own_root = certify(Ed25519PrivateKey.generate(), "identity")
        signers = {
            "unsigned": lambda value: {},
            "attacker's own root": own_root.sign,
            "complaints' genuine key": credential("complaints").sign,
        }
        with capture_logs() as logs:
            for sign in signers.values():
                await _produce(kafka, forgeries, sign)
            dead = await read_topic(
                kafka.bootstrap_servers,
                f"{events_topic(kafka, 'identity')}.dlq",
                at_least=len(signers) * len(forgeries),
            )

        assert len(dead) == len(signers) * len(forgeries)
        reasons = [dict(r.headers)["dlq-reason"].decode() for r in dead]
        assert all("untrusted event" in reason for reason in reasons), reasons
        assert any("not signed by a producer" in r for r in reasons)
        assert any("not the root's" in r for r in reasons)
        assert any("complaints does not write" in r for r in reasons)
        assert {dict(r.headers)["dlq-group"].decode() for r in dead} == {kafka.topic("dossier")}
        untrusted = [entry for entry in logs if entry["event"] == "event.untrusted"]
        assert len(untrusted) == len(dead)

        assert await access_state(dossier) == before
        async with client(dossier) as api:
            self_signed = await api.get(
                f"/booklets/{others_booklet}", headers=bearer(attacker_token(datetime.now(UTC)))
            )
            assert self_signed.status_code == 401
            els = bearer(signer.token("member", account_id="account-els"))
            assert (await api.get(f"/booklets/{others_booklet}", headers=els)).status_code == 404
            persons = (await api.get("/persons", headers=els)).json()
            seen = {p["national_register_number"] for p in persons}
            assert other not in seen and ELS in seen


async def _enrolled_other(signer, nrn: str) -> str:
    booklet_id = str(uuid.uuid4())
    holder = {**HOLDER, "national_register_number": nrn, "birth_date": "1990-01-01"}
    outcome = await signer.send(
        "dossier", "EnrolMember", {"booklet_id": booklet_id, "holder": holder}, "member_services"
    )
    assert outcome.status == "accepted", outcome.reason
    return booklet_id


async def _produce(kafka, envelopes: list[EventEnvelope], sign) -> None:
    """A plain Kafka client, not the project's relay, writing to identity's topic."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for envelope in envelopes:
            value = envelope.model_dump_json().encode()
            headers = event_headers(envelope) | sign(value)
            await producer.send_and_wait(
                events_topic(kafka, "identity"),
                value,
                key=envelope.stream_id.encode(),
                headers=[(k, v.encode()) for k, v in headers.items()],
            )
    finally:
        await producer.stop()
