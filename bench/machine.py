"""Where a figure's CPU goes on the whole machine: every process's CPU time, grouped by what it
is (the service, PostgreSQL, the broker, the bench process itself, the rest), and the machine's
busy time against what its cores could give. The service's own CPU says how far one process
is from a core; this says how far the machine is from its cores, which bounds any throughput
whatever the service does. Read from /proc (Linux)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
# Often enough that a PostgreSQL backend living a few seconds (an ANALYZE's) is counted.
EVERY_S = 1.0


@dataclass(frozen=True)
class Split:
    """CPU seconds by group over a phase, and the machine's busy and available core seconds."""

    by_group: dict[str, float]
    busy: float
    capacity: float

    @property
    def total(self) -> float:
        return sum(self.by_group.values())

    def __add__(self, other: Split) -> Split:
        return Split(
            dict(Counter(self.by_group) + Counter(other.by_group)),
            self.busy + other.busy,
            self.capacity + other.capacity,
        )


class MachineCpu:
    def __init__(self, service_pid: int) -> None:
        self.names = {service_pid: "service", os.getpid(): "bench (importer)"}
        self.seen: dict[int, float] = _processes()
        self.spent: Counter[str] = Counter()
        self.machine = _machine()

    def sample(self) -> None:
        """Adds what each process spent since the last sample; one started since counts from
        nothing, one ended since loses what it spent after the last sample."""
        now = _processes()
        for pid, seconds in now.items():
            self.spent[self._group(pid)] += seconds - self.seen.get(pid, 0.0)
        self.seen = now

    def take(self) -> Split:
        """What was spent since the last `take` (or the start)."""
        self.sample()
        machine = _machine()
        split = Split(dict(self.spent), machine[0] - self.machine[0], machine[1] - self.machine[1])
        self.spent, self.machine = Counter(), machine
        return split

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), EVERY_S)

    def _group(self, pid: int) -> str:
        if pid not in self.names:
            comm = _read(f"/proc/{pid}/comm").strip()
            self.names[pid] = (
                "PostgreSQL"
                if comm.startswith("postgres")
                else "broker"
                if comm == "tansu"
                else "other"
            )
        return self.names[pid]


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used; 0 for one gone."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        return 0.0
    fields = stat.rpartition(")")[2].split()  # after the command, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICK


def _processes() -> dict[int, float]:
    """CPU seconds of every process, by pid."""
    return {int(e.name): process_cpu(int(e.name)) for e in os.scandir("/proc") if e.name.isdigit()}


def _machine() -> tuple[float, float]:
    """(busy, all) core seconds of the machine since it started: all less idle and I/O wait."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    every = sum(ticks[:8])  # guest time is counted in user time already
    return (every - ticks[3] - ticks[4]) / TICK, every / TICK


def _read(path: str) -> str:
    """The file's text, or "" for a process gone meanwhile."""
    try:
        return Path(path).read_text()
    except OSError:
        return ""
