"""Driving a running payments service in a test: certificate files as the import reads them,
the dossier's members learnt, and the daily payment run fired on the fake clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from mutualis.importing import write_csv
from services.payments.members import members
from shared.clock import BRUSSELS
from shared.service import Runtime
from tests.support.waiting import eventually

GP = ("10005549004", "Dr. An Wouters")
DENTIST = ("30005563001", "Tandarts Bart Claes")


def csv_file(path: Path, rows: Iterable[dict]) -> Path:
    write_csv(path, rows)
    return path


def line(cid: str, nrn: str, day: date, provider=GP, code="101076", fee="33.73", **more) -> dict:
    riziv, name = provider
    return {
        "certificate_id": cid,
        "national_register_number": nrn,
        "care_date": day.isoformat(),
        "provider_riziv_number": riziv,
        "provider_name": name,
        "code": code,
        "fee_asked": fee,
        "supplement": "0.00",
        "third_party_payment": "false",
        **more,
    }


async def run_payments(payments, clock, day: date) -> None:
    """Moves the clock to the day's run time and fires the run (every part)."""
    clock.set(datetime.combine(day, time(18, 1), BRUSSELS))
    while await payments.scheduler.fire_due():
        pass
    await payments.projector.run_until_caught_up()


async def learnt(
    payments: Runtime,
    person_ids: set[str],
    check: Callable[[dict], bool] = lambda _: True,
    timeout: float = 30.0,
) -> None:
    """Waits until payments knows these persons from the dossier's events (and `check` holds
    on their rows, by person id)."""

    async def known() -> bool:
        async with payments.database.read() as conn:
            rows = {r.person_id: r for r in await conn.execute(select(members))}
        return person_ids <= set(rows) and check(rows)

    assert await eventually(known, timeout), "payments never learnt the dossier's members"
