"""A payments process killed (SIGKILL) inside a payment run, for the crash test (PAY-6).

python -m tests.support.payment_crash DATABASE_URL AT KILL_AT

Runs the payments service on DATABASE_URL with its clock at AT (ISO 8601), parts of two items,
and fires the due timers; the KILL_AT-th time a part marks its items paid, inside the part's
transaction, before it commits, the process is killed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import datetime

from services.payments.app import definition
from services.payments.payables import Payables
from shared.clock import FakeClock
from shared.service import Runtime
from shared.settings import KafkaSettings, ServiceSettings


async def main(database_url: str, at: str, kill_at: int) -> None:
    marked = 0
    mark_paid = Payables.mark_paid

    async def killing(self, paid):
        nonlocal marked
        marked += 1
        if marked == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        await mark_paid(self, paid)

    Payables.mark_paid = killing
    settings = ServiceSettings(name="payments", database_url=database_url, kafka=KafkaSettings())
    runtime = Runtime(definition, settings, FakeClock(datetime.fromisoformat(at)))
    await runtime.start(background=False)
    while await runtime.scheduler.fire_due():
        pass
    await runtime.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
