"""Issue 8, finding 2: a command read off a topic cannot be turned into another one.

The probe took a member-services token from `dossier.commands` and replayed it to block a
member. Now a token is bound to its session's key and each command carries a proof for itself
alone: what an eavesdropper copies from the commands topic sends nothing new, and the exact copy
is the same command, handled once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from mutualis.recipients import recipient_key
from mutualis.staff import deliver, send_command
from services.complaints.app import definition as complaints_service
from shared.contracts import CommandEnvelope
from shared.messaging.topics import commands_topic
from shared.privacy.command_sealing import seal
from tests.support.kafka import read_topic
from tests.support.services import running

PAYLOAD = {"complainant_name": "An", "subject": "Late refund", "description": "…"}
OTHER = {"complainant_name": "Mallory", "subject": "Invented", "description": "…"}


async def test_issue8_2_a_copied_token_or_proof_cannot_send_another_command(
    database_url, kafka, signer
):
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        sent = await send_command(
            kafka, "complaints", "RegisterComplaint", PAYLOAD, signer.sender("admin"), 30
        )
        assert sent.status == "accepted", sent.reason
        [record] = await read_topic(
            kafka.bootstrap_servers, commands_topic(kafka, "complaints"), at_least=1
        )
        copied = CommandEnvelope.model_validate_json(record.value)
        now = datetime.now(UTC)
        # Every forgery is sealed for the service as a real command is: anyone can seal.
        key = await recipient_key(kafka, "complaints", service.clock, 30)

        attempts = {
            "the token alone": seal(
                CommandEnvelope(
                    type="RegisterComplaint",
                    payload=OTHER,
                    issued_at=now,
                    access_token=copied.access_token,
                ),
                key,
            ),
            "token and proof, another payload": seal(
                copied.model_copy(update={"command_id": str(uuid.uuid4()), "payload": OTHER}),
                key,
            ),
            "token and proof, a new command id": copied.model_copy(
                update={"command_id": str(uuid.uuid4())}
            ),
            "token and proof, another command": copied.model_copy(
                update={"command_id": str(uuid.uuid4()), "type": "CloseComplaint"}
            ),
            "a bearer token bound to no key": seal(
                CommandEnvelope(
                    type="RegisterComplaint",
                    payload=OTHER,
                    issued_at=now,
                    access_token=signer.token("admin"),
                ),
                key,
            ),
        }
        outcomes = {name: await deliver(kafka, "complaints", e, 30) for name, e in attempts.items()}
        async with service.database.read() as conn:
            stored = await service.store.read_all(conn, settled=False)

    reasons = {name: outcome.reason for name, outcome in outcomes.items()}
    assert {o.status for o in outcomes.values()} == {"rejected"}, reasons
    assert reasons == {
        "the token alone": "not authenticated: the command carries no proof of its sender",
        "token and proof, another payload": (
            "not authenticated: the proof is for another command (differs in jti, pld)"
        ),
        "token and proof, a new command id": (
            "not authenticated: the proof is for another command (differs in jti)"
        ),
        "token and proof, another command": (
            "not authenticated: the proof is for another command (differs in htm, jti)"
        ),
        "a bearer token bound to no key": (
            "not authenticated: the token is not bound to a session key: log in again"
        ),
    }
    assert [r.envelope.causation_id for r in stored] == [sent.command_id] * len(sent.events)


async def test_issue8_2_a_proof_made_for_another_service_does_not_pass(database_url, kafka, signer):
    """A proof names the topic it was sent to: the same command for the dossier is refused
    by the complaints service."""
    sender = signer.sender("admin")
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        # Sealed for complaints (sealing proves nothing of the sender): only the proof is wrong.
        key = await recipient_key(kafka, "complaints", service.clock, 30)
        envelope = sender.envelope(
            commands_topic(kafka, "dossier"), "RegisterComplaint", PAYLOAD, service.clock, key
        )
        outcome = await deliver(kafka, "complaints", envelope, 30)

    assert outcome.reason == "not authenticated: the proof is for another command (differs in htu)"
