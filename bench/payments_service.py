"""`python -m bench.payments_service`: the payments service as a process of its own for the
payments bench, wired as `python -m services.payments` wires it (settings from the environment,
the clock of MUTUALIS_CLOCK_FILE), without its HTTP server, which the bench does not use. Its
memory is the service's alone.

Signals: SIGTERM stops it. With BENCH_PROFILE_DIR set, SIGUSR1 starts a profile (wall time of
its steps, bench.payments_timings; the SQL statements executed, by statement; with
BENCH_CPROFILE=1 also cProfile of the event loop's thread) and SIGUSR2 writes it to
`<dir>/<n>.steps.json`, `<dir>/<n>.sql.json` (and `<dir>/<n>.prof`), then `<dir>/<n>.done`.
Profiling slows the service (cProfile about twice): profiled runs show where the time goes,
unprofiled ones give the figures."""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import re
import signal
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import event

from bench.payments_timings import Timings
from shared.clock import ShiftedClock
from shared.logging import configure_logging
from shared.service import Runtime, collect_less_garbage
from shared.settings import ServiceSettings

READY = "BENCH_READY_FILE"
PROFILE_DIR = "BENCH_PROFILE_DIR"


class Profile:
    """A cProfile and statement counts between SIGUSR1 and SIGUSR2."""

    def __init__(self, folder: Path, runtime: Runtime, timings: Timings) -> None:
        self.folder, self.number, self.timings = folder, 0, timings
        self.on = False
        self.cprofile = os.environ.get("BENCH_CPROFILE") == "1"
        self.profile: cProfile.Profile | None = None
        self.statements: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.started: dict[int, float] = {}
        engine = runtime.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on:
            self.started[id(cursor)] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not self.on:
            return
        began = self.started.pop(id(cursor), None)
        shape = _shape(statement) + (" [many]" if executemany else "")
        self.statements[shape] += 1
        if began is not None:
            self.seconds[shape] += time.perf_counter() - began

    def start(self) -> None:
        self.number += 1
        self.statements.clear()
        self.seconds.clear()
        self.started.clear()
        self.began = time.perf_counter()
        self.on = True
        self.timings.start()
        if self.cprofile:
            self.profile = cProfile.Profile()
            self.profile.enable()

    def stop(self) -> None:
        if not self.on:
            return
        self.on = False
        base = self.folder / str(self.number)
        if self.profile is not None:
            self.profile.disable()
            self.profile.dump_stats(f"{base}.prof")
            self.profile = None
        steps = {
            "seconds": round(time.perf_counter() - self.began, 3),
            "steps": self.timings.stop(),
        }
        Path(f"{base}.steps.json").write_text(json.dumps(steps, indent=1))
        counts = [
            {"statement": s, "count": n, "seconds": round(self.seconds[s], 3)}
            for s, n in self.statements.most_common()
        ]
        Path(f"{base}.sql.json").write_text(json.dumps(counts, indent=1))
        Path(f"{base}.done").write_text("")


def _shape(statement: str) -> str:
    """A statement without its literal lists: `IN (__[POSTCOMPILE_x])`, `$1, $2, …` folded."""
    text = " ".join(statement.split())
    text = re.sub(r"\(\$\d+(?:::\w+)?(?:, \$\d+(?:::\w+)?)+\)", "($n…)", text)
    text = re.sub(r"\(\?(?:, \?)+\)", "(?…)", text)
    text = re.sub(r"VALUES \(.*\)(?:, \(.*\))+", "VALUES (…)…", text)
    return text[:240]


async def serve() -> None:
    profiling = bool(os.environ.get(PROFILE_DIR))
    timings = Timings()
    missing = timings.install() if profiling else []
    from services.payments.app import definition  # after the steps are wrapped

    settings = ServiceSettings.for_service(definition.name)
    configure_logging(definition.name, settings.log_level)
    clock = ShiftedClock(settings.clock_file) if settings.clock_file else None
    runtime = Runtime(definition, settings, clock)
    collect_less_garbage()
    loop, stop = asyncio.get_running_loop(), asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    if profiling:
        if missing:
            print(f"bench: steps not found, not timed: {missing}", file=sys.stderr)
        profile = Profile(Path(os.environ[PROFILE_DIR]), runtime, timings)
        loop.add_signal_handler(signal.SIGUSR1, profile.start)
        loop.add_signal_handler(signal.SIGUSR2, profile.stop)
    await runtime.start(background=True)
    if os.environ.get(READY):
        Path(os.environ[READY]).write_text(str(os.getpid()))
    try:
        await stop.wait()
    finally:
        await runtime.stop()


if __name__ == "__main__":
    asyncio.run(serve())
    sys.exit(0)
