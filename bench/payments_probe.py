"""What the payments bench watches from outside the service: its database (members learnt, the
run done, the projection and the relay caught up, the books at the end), its memory, and the
time it takes for something to become true."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import func, select, text

from bench.machine import process_cpu
from services.payments.payables import item_status
from services.payments.read_model import history_lines
from shared.eventstore import Database

POLL_S = 0.25
STALL_S = 300.0


class ServiceDied(RuntimeError):
    pass


class Probe:
    """The service process and its database, read on a connection of the bench's own."""

    def __init__(self, process: subprocess.Popen, database: Database, log: Path) -> None:
        self.process, self.database, self.log = process, database, log
        self.peak_sampled = 0

    # --- memory -------------------------------------------------------------------------------

    def memory(self) -> tuple[int, int]:
        """(resident now, peak resident) of the service, in bytes (VmRSS, VmHWM)."""
        found = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) * 1024
        self.peak_sampled = max(self.peak_sampled, found["VmRSS"])
        return found["VmRSS"], found["VmHWM"]

    def cpu(self) -> float:
        """CPU seconds the service has used (user + system): what a phase cost it whatever
        else the machine was doing, unlike its wall time."""
        return process_cpu(self.process.pid)

    def reset_peak(self) -> bool:
        """Resets the kernel's peak RSS to the present (clear_refs 5); False where not allowed."""
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        self.peak_sampled = 0
        return True

    async def sample_memory(self, stop: asyncio.Event, every: float = 0.25) -> None:
        while not stop.is_set():
            self.memory()
            try:
                await asyncio.wait_for(stop.wait(), every)
            except TimeoutError:
                pass

    # --- waiting ------------------------------------------------------------------------------

    def alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise ServiceDied(f"the payments service exited ({self.process.returncode}):\n{tail}")

    async def until(
        self,
        check: Callable[[], Awaitable[bool]],
        what: str,
        timeout: float,
        poll: float = POLL_S,
        progress: Callable[[], Awaitable[object]] | None = None,
        stall: float = STALL_S,
    ) -> float:
        """Waits until `check` holds; returns the perf_counter time it was seen to. Gives up
        after `timeout`, or when `progress` (what moves while the service works on it) stood
        still for `stall` seconds: a service stuck on an error retries for ever."""
        now = time.perf_counter()
        deadline, moved, last = now + timeout, now, None
        while not await check():
            self.alive()
            now = time.perf_counter()
            if now > deadline:
                raise TimeoutError(f"{what}: not after {timeout:.0f} s (log: {self.log})")
            if progress is not None:
                seen = await progress()
                if seen != last:
                    moved, last = now, seen
                elif now - moved > stall:
                    raise TimeoutError(
                        f"{what}: stuck at {seen} for {stall:.0f} s (log: {self.log})"
                    )
            await asyncio.sleep(poll)
        return time.perf_counter()

    async def scalar(self, sql: str, **params):
        async with self.database.read() as conn:
            return await conn.scalar(text(sql), params)

    async def row(self, sql: str, **params):
        async with self.database.read() as conn:
            return (await conn.execute(text(sql), params)).first()

    # --- what the service has done ------------------------------------------------------------

    async def signing_key_known(self, key_id: str) -> bool:
        found = await self.scalar(
            "SELECT count(*) FROM access_signing_keys WHERE key_id = :k", k=key_id
        )
        return bool(found)

    async def members(self) -> tuple[int, int, int]:
        """(members, with an IBAN, GMDs) payments knows."""
        row = await self.row(
            "SELECT (SELECT count(*) FROM members), (SELECT count(iban) FROM members), "
            "(SELECT count(*) FROM member_gmds)"
        )
        return tuple(row)

    async def paid(self) -> int:
        return await self.scalar("SELECT count(*) FROM paid_items")

    async def timer_scheduled(self, timer_id: str) -> bool:
        found = await self.scalar("SELECT count(*) FROM timers WHERE timer_id = :t", t=timer_id)
        return bool(found)

    async def last_event(self) -> tuple[int, int]:
        row = await self.row(
            "SELECT transaction_id, position FROM events "
            "ORDER BY transaction_id DESC, position DESC LIMIT 1"
        )
        return (row[0], row[1]) if row else (0, 0)

    async def checkpoint(self, like: str) -> tuple[int, int]:
        row = await self.row(
            "SELECT transaction_id, position FROM checkpoints WHERE name LIKE :n "
            "ORDER BY transaction_id DESC, position DESC LIMIT 1",
            n=like,
        )
        return (row[0], row[1]) if row else (0, 0)

    async def books(self) -> dict[str, object]:
        """What the run left, to check the bench did what it says."""
        async with self.database.read() as conn:

            async def grouped(sql: str) -> dict:
                return {str(k): v for k, v in (await conn.execute(text(sql))).all()}

            async def by_status(status) -> dict:
                query = select(status, func.count()).group_by(status)
                return {k: v for k, v in (await conn.execute(query)).all()}

            return {
                # Where items stand as the service reads them, not a copy of its rule.
                "payables": await by_status(item_status.c.status),
                "history": await by_status(history_lines.c.status),
                "events": await grouped(
                    "SELECT type, count(*) FROM events WHERE type IN ('CertificatesDecided', "
                    "'CoPaymentsCounted', 'MafCeilingSet', "
                    "'MafRefundDue', 'PaymentMade', 'ProviderPaid', 'PaymentHeld', "
                    "'PaymentRunCompleted') GROUP BY type"
                ),
                "payments rows": await conn.scalar(text("SELECT count(*) FROM payments")),
                "run parts": await conn.scalar(text("SELECT count(*) FROM payment_runs")),
                "maf years": await conn.scalar(text("SELECT count(*) FROM maf_years")),
                "maf counted = history co-payments": (
                    await conn.scalar(text("SELECT sum(counted) FROM maf_years"))
                )
                == await conn.scalar(
                    text("SELECT sum(co_payment) FROM history WHERE kind = 'reimbursement'")
                ),
                "transfer files": await conn.scalar(text("SELECT count(*) FROM transfer_files")),
            }
