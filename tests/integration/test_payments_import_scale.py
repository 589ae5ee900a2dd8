"""Issue 11, items 1 and 10: an electronic file of 100,000 care certificates imports through the
running payments service (the CLI's batches of sealed commands over the broker, the service's
decisions, its store and projections) with constant memory: the importer reads the file as it
sends it, and nothing the service keeps in memory grows with the lines imported. The speed is
measured in `make bench` (bench.payments), not here."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mutualis.importing import import_file
from services.payments.app import definition as payments_service
from services.payments.care_records import certificates
from services.payments.read_model import history
from shared.clock import brussels_day
from tests.support import dossier as facts
from tests.support.payments import csv_file, learnt, line
from tests.support.services import running

LINES = 100_000
# Households of one, each with about a hundred certificates a year over two years: a busy
# family doctor's year, and every household's maximum bill counted batch after batch.
MEMBERS = 500
# Memory once the import is under way (the connections, the caches and Python's arenas at
# their working size), against memory at the end.
WARM = LINES // 5
GROWTH = 0.10


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.timeout(1800)
async def test_pay_import_a_100000_line_file_imports_with_constant_memory(
    database_url, kafka, signer, clock, tmp_path
):
    today = brussels_day(clock.now())
    numbers = [facts.insz(date(1950, 1, 1) + timedelta(days=53 * n), 11) for n in range(MEMBERS)]
    enrolments = [
        facts.envelope(facts.member_enrolled(nrn, f"b-{n}"), f"b-{n}")
        for n, nrn in enumerate(numbers)
    ]
    rows = (
        line(f"big-{n}", numbers[n % MEMBERS], today - timedelta(days=1 + n % 700))
        for n in range(LINES)
    )
    path = csv_file(tmp_path / "certificates.csv", rows)
    async with running(payments_service, database_url, kafka, clock) as payments:
        await signer.known_by(payments)
        await facts.publish(kafka, *enrolments)
        # 500 members' enrolments, a few thousand messages: minutes on a loaded machine.
        await learnt(payments, {facts.person_id(nrn) for nrn in numbers}, timeout=600)

        answered, resident = 0, {}

        def on_answer(lines: int) -> None:
            nonlocal answered
            answered += lines
            if answered >= WARM and "warm" not in resident:
                resident["warm"] = _resident_bytes()

        report = await import_file(
            kafka, path, signer.sender("member_services"), clock, on_answer, timeout=300
        )
        resident["end"] = _resident_bytes()
        await payments.projector.run_until_caught_up()
        async with payments.database.read() as conn:
            recorded = await conn.scalar(select(func.count()).select_from(certificates))
            shown = await conn.scalar(select(func.count()).select_from(history))

    assert (report.lines, report.reimbursed, report.refused) == (LINES, LINES, [])
    assert recorded == shown == LINES
    growth = (resident["end"] - resident["warm"]) / resident["warm"]
    assert growth <= GROWTH, (
        f"resident memory {resident['warm'] >> 20} MiB after {WARM:,} lines, "
        f"{resident['end'] >> 20} MiB after {LINES:,} ({growth:+.1%})"
    )
