"""Issue 10, principle 7: staff commands travel on `<service>.commands` sealed for the service
that handles them, under a key of the day that the service destroys once the topic's retention
and a day have passed. A running dossier on SQLite and PostgreSQL, a real broker, a fake clock:
what anyone reading the topic from offset 0 sees holds neither the member's name nor their
national register number; a command in clear, or sealed for a key the dossier does not hold,
is rejected with its reason and logged without its payload; after the clock passes the
retention and the rotation timer fires, a command sealed for the old day opens no more."""

from __future__ import annotations

from datetime import date, timedelta

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select

from mutualis.recipients import published_keys, recipient_key, trust_root
from mutualis.staff import Sender, deliver
from services.dossier.app import definition as dossier_service
from shared.command_proof import Sent, prove
from shared.contracts import CommandEnvelope
from shared.eventstore.schema import command_log
from shared.messaging.topics import commands_topic
from shared.privacy.command_keys import KEPT_AFTER_EPOCH, CommandKeys
from shared.privacy.command_sealing import DESTROYED, public_record
from tests.support.dossier import insz, person
from tests.support.kafka import everything_on
from tests.support.services import running
from tests.support.waiting import eventually

BORN = date(1981, 6, 23)
NRN = insz(BORN, 75)
SURNAME = "Vanderhaeghen-Oostvogels"
SEALED_FOR_DOSSIER = "a command on Kafka must be sealed for dossier"


def enrolment(booklet_id: str, serial: int = 75) -> dict:
    holder = person(insz(BORN, serial), first_name="Wannes", last_name=SURNAME, birth_date=BORN)
    return {"booklet_id": booklet_id, "holder": holder.model_dump(mode="json")}


def in_clear(sender: Sender, topic: str, command: str, payload: dict, now) -> CommandEnvelope:
    """A command its sender proves, its payload in clear: as staff tooling sent them before."""
    envelope = CommandEnvelope(
        type=command, payload=payload, issued_at=now, access_token=sender.access_token
    )
    sent = Sent(envelope.command_id, command, topic, payload, sender.access_token)
    return envelope.model_copy(update={"proof": prove(sender.key, sent, now)})


async def logged(dossier, command_id: str):
    async with dossier.database.read() as conn:
        found = await conn.execute(
            select(command_log).where(command_log.c.command_id == command_id)
        )
        return found.one()


async def test_issue10_p7_commands_on_kafka_are_sealed_and_unreadable_once_their_key_is_destroyed(
    database_url, kafka, signer, clock
):
    topic = commands_topic(kafka, "dossier")
    async with running(dossier_service, database_url, kafka, clock) as dossier:
        await signer.known_by(dossier)

        # Staff enrol a member: the dossier opens and handles the command.
        enrolled = await signer.send("dossier", "EnrolMember", enrolment("b-w"), "member_services")
        assert enrolled.status == "accepted", enrolled.reason

        # Whoever reads the topic from offset 0 reads neither who she is nor her number.
        on_topic = b"\n".join(r.value for r in await everything_on(kafka.bootstrap_servers, topic))
        assert enrolled.command_id.encode() in on_topic
        assert SURNAME.encode() not in on_topic and b"Wannes" not in on_topic
        assert NRN.encode() not in on_topic

        # A command in clear is rejected, though its sender proved who they are.
        sender = signer.sender("member_services")
        clear = in_clear(sender, topic, "EnrolMember", enrolment("b-x", 77), clock.now())
        refused = await deliver(kafka, "dossier", clear, 30)
        assert (refused.status, refused.events) == ("rejected", [])
        assert refused.reason == f"{SEALED_FOR_DOSSIER}: its payload is in clear"
        row = await logged(dossier, clear.command_id)
        assert (row.status, row.reason, row.actor["role"]) == (
            "rejected",
            refused.reason,
            "member_services",
        )

        # The clock passes the topic's retention and a day; the daily timer destroys the key.
        old = await recipient_key(kafka, "dossier", clock, 30)
        clock.advance(KEPT_AFTER_EPOCH + timedelta(days=1))

        async def destroyed() -> bool:
            async with dossier.database.read() as conn:
                keys = CommandKeys(conn, dossier.store.kek, "dossier")
                return await keys.private_key(old.epoch) is DESTROYED

        assert await eventually(destroyed), "the rotation timer never destroyed the old key"
        late = signer.sender("member_services").envelope(
            topic, "EnrolMember", enrolment("b-y", 79), clock, old
        )
        too_late = await deliver(kafka, "dossier", late, 30)

        # Senders learn of the destruction; new commands are sealed for the new day's key.
        async def published_destroyed() -> bool:
            records, _ = await published_keys(kafka, "dossier", trust_root())
            return [r.destroyed for r in records if r.epoch == old.epoch][-1:] == [True]

        assert await eventually(published_destroyed)
        again = await signer.send(
            "dossier",
            "ChangeContactDetails",
            {"booklet_id": "b-w", "national_register_number": NRN, "email": "w.v@example.org"},
            "member_services",
        )

    assert (too_late.status, too_late.events) == ("rejected", [])
    assert (
        too_late.reason
        == f"{SEALED_FOR_DOSSIER}: sealed for epoch {old.epoch}, whose key is destroyed"
    )
    assert again.status == "accepted", again.reason


async def test_issue10_p7_a_command_sealed_for_a_key_the_service_does_not_hold_is_rejected(
    database_url, kafka, signer
):
    topic = commands_topic(kafka, "dossier")
    async with running(dossier_service, database_url, kafka) as dossier:
        await signer.known_by(dossier)
        real = await recipient_key(kafka, "dossier", dossier.clock, 30)
        stranger = X25519PrivateKey.generate().public_key()
        keys = {
            "never made": public_record("dossier", "2020-01-01", stranger),
            "another key of the day": public_record("dossier", real.epoch, stranger),
        }
        sender = signer.sender("member_services")
        outcomes = {
            name: await deliver(
                kafka,
                "dossier",
                sender.envelope(topic, "EnrolMember", enrolment(f"b-{n}"), dossier.clock, key),
                30,
            )
            for n, (name, key) in enumerate(keys.items())
        }
        rows = {name: await logged(dossier, o.command_id) for name, o in outcomes.items()}

    assert {name: o.reason for name, o in outcomes.items()} == {
        "never made": (
            f"{SEALED_FOR_DOSSIER}: sealed for epoch 2020-01-01, for which dossier has no key"
        ),
        "another key of the day": (
            f"{SEALED_FOR_DOSSIER}: it does not open: altered, or sealed for another command, "
            "type or service"
        ),
    }
    assert {row.status for row in rows.values()} == {"rejected"}
    assert {o.events == [] for o in outcomes.values()} == {True}
