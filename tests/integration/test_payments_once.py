"""A payment is made once, never twice (PAY-6), whatever happens on the way: the service killed
(SIGKILL) inside a payment run and restarted, a command delivered again, two replicas firing the
same run, the read model replayed from the first event. Over the real broker, both backends."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from mutualis.importing import import_file
from services.dossier.app import definition as dossier_service
from services.payments import sepa
from services.payments.app import definition as payments_service
from services.payments.payables import item_status, transfer_files
from services.payments.payment_runs import next_run_day
from services.payments.read_model import history_lines, payments
from shared.clock import BRUSSELS, brussels_day
from shared.contracts import CommandEnvelope, events
from shared.contracts.payments import PaymentMade
from shared.eventstore.schema import events as stored_events
from shared.service import Runtime
from tests.support import dossier as facts
from tests.support.kafka import everything_on
from tests.support.payments import csv_file, learnt, line
from tests.support.services import running, settings_for
from tests.support.staff import HANDLER
from tests.support.waiting import eventually

D = Decimal
HOLDERS = 5


async def enrol_and_import(dossier, payments, signer, kafka, clock, tmp_path, prefix: str):
    """HOLDERS members, each with an account and a certificate; their person ids."""
    today = brussels_day(clock.now())
    numbers = [facts.insz(date(1970 + n, 1, 1), 200 + n) for n in range(HOLDERS)]
    for n, nrn in enumerate(numbers):
        booklet = f"b-{prefix}-{n}"
        holder = facts.person(nrn, birth_date=date(1970 + n, 1, 1)).model_dump(mode="json")
        for command, payload in (
            ("EnrolMember", {"booklet_id": booklet, "holder": holder}),
            (
                "ChangeContactDetails",
                {
                    "booklet_id": booklet,
                    "national_register_number": nrn,
                    "iban": "BE68539007547034",
                },
            ),
        ):
            sent = await signer.send("dossier", command, payload, "member_services")
            assert sent.status == "accepted", sent.reason
    ids = {await facts.person_id_in(dossier, nrn) for nrn in numbers}
    await learnt(payments, ids, lambda rows: all(rows[i].iban for i in ids))
    rows = [line(f"{prefix}-{n}", nrn, today - timedelta(days=2)) for n, nrn in enumerate(numbers)]
    report = await import_file(
        kafka, csv_file(tmp_path / f"{prefix}.csv", rows), signer.sender("member_services"), clock
    )
    assert report.reimbursed == HOLDERS, report.refused
    return ids


async def made_payments(service) -> list[PaymentMade]:
    """Every PaymentMade in the service's store."""
    async with service.database.read() as conn:
        recorded = await service.store.read_all(conn, limit=100_000, settled=False)
        made = [r.envelope for r in recorded if r.envelope.type == PaymentMade.type_name]
        return [events.decode(e) for e in await service.store.open(conn, made)]


async def published_payments(kafka, expected: int) -> set[bytes]:
    """The ids of the PaymentMade events on payments' topic, once `expected` are there."""

    async def on_topic() -> set[bytes]:
        records = await everything_on(kafka.bootstrap_servers, kafka.topic("payments.events"))
        ids = {
            dict(r.headers)["event-id"]
            for r in records
            if dict(r.headers)["event-type"] == PaymentMade.type_name.encode()
        }
        return ids if len(ids) >= expected else set()

    return await eventually(on_topic, timeout=60)


def killed_in_a_run(database_url: str, kafka, at: datetime, kill_at: int) -> int:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_NAMESPACE": kafka.namespace,
        "PAYMENTS_RUN_PART_SIZE": "2",
    }
    command = [
        sys.executable,
        "-m",
        "tests.support.payment_crash",
        database_url,
        at.isoformat(),
        str(kill_at),
    ]
    return subprocess.run(command, env=env, timeout=180).returncode


async def test_pay6_killed_inside_a_payment_run_each_reimbursement_is_paid_once(
    new_database, kafka, signer, clock, tmp_path
):
    payments_db = await new_database("payments")
    async with running(dossier_service, await new_database("dossier"), kafka, clock) as dossier:
        await signer.known_by(dossier)
        async with running(payments_service, payments_db, kafka, clock) as first:
            await signer.known_by(first)
            await enrol_and_import(dossier, first, signer, kafka, clock, tmp_path, "k")

        # Parts of two items: the first part commits, the second is killed half-way.
        run_at = datetime.combine(next_run_day(clock.now()), time(18, 1), BRUSSELS)
        assert killed_in_a_run(payments_db, kafka, run_at, kill_at=2) == -signal.SIGKILL

        clock.set(run_at)
        async with running(payments_service, payments_db, kafka, clock) as restarted:
            async with restarted.database.read() as conn:
                statuses = Counter(await conn.scalars(select(item_status.c.status)))
            assert statuses == {"paid": 2, "due": 3}, "the killed part left nothing behind"

            while await restarted.scheduler.fire_due():
                pass
            await restarted.projector.run_until_caught_up()

            async with restarted.database.read() as conn:
                statuses = Counter(await conn.scalars(select(item_status.c.status)))
                files = list(await conn.execute(select(transfer_files)))
            assert statuses == {"paid": HOLDERS}
            made = await made_payments(restarted)
            items = [i.item_id for p in made for i in p.items]
            assert sorted(items) == sorted(set(items)) and len(items) == HOLDERS
            # The bank gets each payment in one file only.
            sent = [sepa.summary(f.content) for f in files]
            assert sum(n for n, _ in sent) == HOLDERS
            assert D(sum(c for _, c in sent)) / 100 == sum(p.amount for p in made)

            # On the topic too: every PaymentMade once (consumers drop a republished event id).
            assert len(await published_payments(kafka, HOLDERS)) == HOLDERS

            # Replayed from the first event, the read model pays nothing twice either.
            await restarted.projector.rebuild("payments_history")
            async with restarted.database.read() as conn:
                assert await conn.scalar(select(func.count()).select_from(payments)) == HOLDERS
                assert (
                    await conn.scalar(select(func.count()).where(history_lines.c.status != "paid"))
                    == 0
                )


async def test_pay6_a_command_delivered_again_and_two_replicas_firing_one_run_pay_once(
    new_database, kafka, signer, clock, tmp_path
):
    payments_db = await new_database("payments")
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(payments_service, payments_db, kafka, clock) as one,
    ):
        await signer.known_by(dossier)
        await signer.known_by(one)
        ids = await enrol_and_import(dossier, one, signer, kafka, clock, tmp_path, "r")
        assert len(ids) == HOLDERS
        # The same command again (a redelivery): handled once, nothing recorded twice.
        async with one.database.read() as conn:
            before = await conn.scalar(select(func.count()).select_from(stored_events))
        envelope = CommandEnvelope(
            type="SetIncomeBracket",
            payload={"booklet_id": "b-r-0", "year": clock.now().year, "bracket": 3},
            issued_at=clock.now(),
        )
        first = await one.bus.execute(
            envelope, HANDLER.model_copy(update={"role": "member_services"})
        )
        second = await one.bus.execute(
            envelope, HANDLER.model_copy(update={"role": "member_services"})
        )
        assert first is not None and first.status == "accepted" and second is None
        async with one.database.read() as conn:
            assert await conn.scalar(select(func.count()).select_from(stored_events)) == before + 1

        # Another replica on the same database fires the same run at the same moment: each
        # part once. (Its timers are all it needs; joining the consumer group would only
        # make the local broker rebalance.)
        other = Runtime(payments_service, settings_for("payments", payments_db, kafka), clock)
        clock.set(datetime.combine(next_run_day(clock.now()), time(18, 1), BRUSSELS))
        try:
            await asyncio.gather(one.scheduler.fire_due(), other.scheduler.fire_due())
            while await one.scheduler.fire_due():
                pass
        finally:
            await other.database.dispose()
        made = await made_payments(one)
        items = [i.item_id for p in made for i in p.items]
        assert len(items) == len(set(items)) == HOLDERS
        async with one.database.read() as conn:
            assert Counter(await conn.scalars(select(item_status.c.status))) == {"paid": HOLDERS}
