"""Figure 5 (issue 11 item 10): care certificates end to end through the payments service, on
each backend, against raw aiokafka producing and consuming as many messages in the same run.

The path timed is production's: a CSV file imported with `mutualis.importing.import_file` (the
CLI's batches of sealed commands over Kafka, several in flight, outcomes read back) → each
certificate reimbursed, its item owed and its co-payment counted on the household's MAF → the
daily payment run, fired by the service's own timer loop when its clock reaches the run time,
in parts → `PaymentMade` recorded → the history projection (history, payments and MAF tables)
caught up. The service runs in a process of its own (bench.payments_service), so its memory is
measured alone; the bench process reads the file, sends and watches the database.

Untimed set-up: the members, enrolled in a dossier event store through the dossier's
aggregate and published by a relay with the dossier's credential and shared keys
(bench.payments_dossier); payments learns them from Kafka before the clock starts. The
service's clock (MUTUALIS_CLOCK_FILE) starts at 07:00 today, Brussels time, so the run cannot
fall due during the import; care dates are this year before today. The local PostgreSQL runs
without autovacuum: the bench ANALYZEs after the set-up and then once a minute, as autovacuum
would in a running system.

`python -m bench payments --certificates 100000` runs this figure alone, smaller."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench import payments_baseline, payments_data, payments_dossier
from bench.appends import analyze
from bench.infra import Backends
from bench.machine import MachineCpu, Split
from bench.payments_probe import Probe
from bench.payments_profile import summary
from bench.report import Baseline, Figure
from bench.rows import BENCH_KEK, BENCH_KEY
from mutualis import importing
from mutualis.staff import Sender
from services.payments.config import payments_settings
from services.payments.payment_runs import run_timer
from shared.access.tokens import ALGORITHM, AUDIENCE, ISSUER
from shared.clock import BRUSSELS, ShiftedClock, SystemClock, brussels_day
from shared.command_proof import public_jwk
from shared.eventstore import EventStore, connect
from shared.messaging.topics import commands_topic, events_topic, outcomes_topic
from shared.settings import KafkaSettings
from tests.support.staff import Signer

BACKENDS = ("sqlite", "postgresql")
ROOT = Path(__file__).resolve().parent.parent
MIB = 1 << 20
AUTOVACUUM_NAPTIME_S = 60  # PostgreSQL's default


@dataclass(frozen=True)
class Options:
    certificates: int
    members: int
    backends: tuple[str, ...] = BACKENDS
    # Where to keep cProfile dumps and SQL statement counts of each phase (slower runs).
    profile: Path | None = None
    cprofile: bool = False  # and cProfile of the service's event loop too (slower still)
    part_size: int | None = None  # PAYMENTS_RUN_PART_SIZE; None: the service's default
    batch: int = importing.BATCH
    in_flight: int = importing.IN_FLIGHT


@dataclass
class Measured:
    """One backend's run."""

    backend: str
    load: float = 0.0  # the machine's 1-minute load average when it started, and at the end
    load_end: float = 0.0
    learnt_s: float = 0.0
    dossier_messages: int = 0
    import_s: float = 0.0
    run_s: float = 0.0
    projection_s: float = 0.0
    relay_s: float = 0.0
    # CPU seconds per phase (import, run, catch-up) of the service and of the bench process
    # (the importer, and the watching): unlike wall times, not stretched by a busy machine.
    cpu: dict[str, tuple[float, float]] = field(default_factory=dict)
    machine: dict[str, Split] = field(default_factory=dict)  # every process's, per phase
    rss: list[tuple[int, int]] = field(default_factory=list)  # (certificates answered, bytes)
    peak: int = 0
    rss_end: int = 0
    report: importing.Report | None = None
    books: dict = field(default_factory=dict)
    volumes: dict[str, tuple[int, int]] = field(default_factory=dict)  # topic → records, bytes
    profiles: list[tuple[str, Path]] = field(default_factory=list)

    @property
    def total_s(self) -> float:
        return self.import_s + self.run_s + self.projection_s


def _progress(message: str) -> None:
    print(f"[payments {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def figures(backends: Backends, options: Options) -> tuple[list[Figure], list[str]]:
    today = brussels_day(datetime.now(UTC))
    _progress(f"population of {options.members:,} members, {options.certificates:,} certificates")
    population = payments_data.population(options.members, today)
    path = backends.tmp / "certificates.csv"
    lines = payments_data.certificates(population, options.certificates, today, f"c{today:%m%d}")
    size = importing.write_csv(path, lines)
    _progress(f"{path.name}: {size / MIB:,.0f} MiB")
    dossier = await _dossier_store(backends, population, today)
    try:
        share = payments_baseline.certificate_share(
            path,
            Signer(backends.kafka).sender("member_services"),
            SystemClock(),
            backends.kafka,
            options.batch,
        )
        _progress(f"raw aiokafka baseline: {options.certificates:,} messages of {share} bytes")
        raw = await payments_baseline.produce_and_consume(
            backends.kafka, options.certificates, share
        )
        measured = []
        for backend in options.backends:
            measured.append(await measure(backends, backend, options, population, path, dossier))
    finally:
        await dossier.database.dispose()
    return _figures(options, measured, raw), _notes(options, measured, raw, share, population)


async def _dossier_store(backends: Backends, population, today: date) -> EventStore:
    database = connect(f"sqlite+aiosqlite:///{backends.tmp / 'dossier.sqlite'}")
    await database.migrate()
    store = EventStore(database, producer="dossier", kek=BENCH_KEK)
    started = time.perf_counter()
    stored = await payments_dossier.fill(store, SystemClock(), population, today)
    _progress(f"dossier store: {stored:,} events in {time.perf_counter() - started:.0f} s")
    return store


async def measure(
    backends: Backends, backend: str, options: Options, population, path: Path, dossier
) -> Measured:
    result = Measured(backend, load=os.getloadavg()[0])
    kafka = backends.kafka.model_copy(
        update={"namespace": f"{backends.kafka.namespace}pay-{backend}."}
    )
    today = brussels_day(datetime.now(UTC))
    clock_file = backends.tmp / f"clock-{backend}"
    _set_clock(clock_file, datetime.combine(today, _at(hours=7), BRUSSELS))
    clock = ShiftedClock(clock_file)
    async with backends.database_url(backend) as url:
        process, log, ready = _start_service(backends, backend, url, kafka, clock_file, options)
        probe = Probe(process, connect(url, pool_size=2), log)
        try:
            await probe.until(_exists(ready), f"{backend}: service started", 300)
            sender = await _staff(probe, kafka, clock)
            await _profile(probe, options, "start")
            await _learn_members(probe, dossier, kafka, population, result)
            await _profile(probe, options, "learning the members (set-up)", result)
            await _analyze(probe)
            await _timed(probe, kafka, path, sender, clock, clock_file, today, options, result)
            result.books = await probe.books()
            result.volumes = {
                name: await payments_baseline.topic_volume(kafka, topic(kafka, "payments"))
                for name, topic in (
                    ("commands", commands_topic),
                    ("outcomes", outcomes_topic),
                    ("events", events_topic),
                )
            }
        finally:
            _stop(process)
            await probe.database.dispose()
    await payments_baseline.delete_topics(kafka, await payments_baseline.namespace_topics(kafka))
    return result


async def _timed(probe, kafka, path, sender, clock, clock_file, today, options, result) -> None:
    count = options.certificates
    marks = [count * k // 10 for k in range(1, 11)]
    answered = 0

    def on_answer(lines: int) -> None:
        nonlocal answered
        answered += lines
        while marks and answered >= marks[0]:
            result.rss.append((marks.pop(0), probe.memory()[0]))
            _progress(
                f"{result.backend}: {answered:,} answered, RSS {result.rss[-1][1] / MIB:.0f} MiB"
            )

    probe.reset_peak()
    stop = asyncio.Event()
    sampler = asyncio.create_task(probe.sample_memory(stop))
    analyzer = asyncio.create_task(_autovacuum(probe, stop))
    machine = MachineCpu(probe.process.pid)
    watcher = asyncio.create_task(machine.watch(stop))
    try:
        await _profile(probe, options, "start")
        cpu = _cpu(probe)
        machine.take()  # the import's share starts here, not at the set-up
        started = time.perf_counter()
        result.report = await importing.import_file(
            kafka, path, sender, clock, on_answer, options.batch, options.in_flight, timeout=600
        )
        imported = time.perf_counter()
        result.import_s = imported - started
        result.cpu["import"], cpu = _since(cpu, probe)
        result.machine["import"] = machine.take()
        _progress(f"{result.backend}: imported in {result.import_s:.1f} s")
        await _profile(probe, options, "import", result)
        await _profile(probe, options, "start")
        run_begins = time.perf_counter()
        _set_clock(clock_file, datetime.combine(today, _at(minutes=1), BRUSSELS))
        tomorrow = run_timer(today + timedelta(days=1)).timer_id
        paid = await probe.until(
            lambda: probe.timer_scheduled(tomorrow),
            f"{result.backend}: payment run",
            36_000,
            progress=probe.paid,
        )
        result.run_s = paid - run_begins
        result.cpu["run"], cpu = _since(cpu, probe)
        result.machine["run"] = machine.take()
        last = await probe.last_event()
        projection, relay = "projection:payments_history", "relay@%"
        shown = await probe.until(
            lambda: _reached(probe, projection, last),
            f"{result.backend}: projection",
            36_000,
            progress=lambda: probe.checkpoint(projection),
        )
        result.projection_s = shown - paid
        result.cpu["catch-up"], cpu = _since(cpu, probe)
        result.machine["catch-up"] = machine.take()
        relayed = await probe.until(
            lambda: _reached(probe, relay, last),
            f"{result.backend}: relay",
            36_000,
            progress=lambda: probe.checkpoint(relay),
        )
        result.relay_s = relayed - paid
        await _profile(probe, options, "run and catch-up", result)
    finally:
        stop.set()
        await sampler
        await analyzer
        await watcher
    result.load_end = os.getloadavg()[0]
    result.rss_end, peak = probe.memory()
    result.peak = max(peak, probe.peak_sampled)
    _progress(
        f"{result.backend}: run {result.run_s:.1f} s, projection +{result.projection_s:.1f} s, "
        f"relay +{result.relay_s:.1f} s, peak RSS {result.peak / MIB:.0f} MiB"
    )


async def _analyze(probe: Probe) -> None:
    if probe.database.is_postgres:
        await analyze(probe.database.engine.url.render_as_string(hide_password=False))


async def _autovacuum(probe: Probe, stop: asyncio.Event) -> None:
    """ANALYZE once a minute, as autovacuum does in a running system (its naptime): the local
    PostgreSQL runs without it, and tables that grow from empty to a million rows unanalyzed
    are planned as empty, read whole for each batch's look-ups."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), AUTOVACUUM_NAPTIME_S)
        if not stop.is_set():
            await _analyze(probe)


def _cpu(probe: Probe) -> tuple[float, float]:
    """(service, bench process) CPU seconds so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return probe.cpu(), own.ru_utime + own.ru_stime


def _since(before: tuple[float, float], probe: Probe):
    """(CPU seconds since `before`, now)."""
    now = _cpu(probe)
    return (now[0] - before[0], now[1] - before[1]), now


async def _reached(probe: Probe, checkpoint: str, last: tuple[int, int]) -> bool:
    return await probe.checkpoint(checkpoint) >= last


def _exists(path: Path):
    async def check() -> bool:
        return path.exists()

    return check


def _at(hours: int | None = None, minutes: int = 0):
    """A time of day: `hours`, or the payment run's time plus `minutes`."""
    run_at = payments_settings().run_at
    moment = datetime.combine(date(2000, 1, 1), run_at) + timedelta(minutes=minutes)
    return moment.time() if hours is None else moment.replace(hour=hours, minute=0).time()


def _set_clock(path: Path, when: datetime) -> None:
    """Moves the service's clock (MUTUALIS_CLOCK_FILE) so that it reads `when` now."""
    path.write_text(str((when - datetime.now(UTC)).total_seconds()))


def _start_service(
    backends: Backends,
    backend: str,
    url: str,
    kafka: KafkaSettings,
    clock_file: Path,
    options: Options,
):
    # Kept with the profile when profiling (the run's temp folder goes at the end).
    log = (options.profile / backend if options.profile else backends.tmp) / "service.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    ready = backends.tmp / f"payments-{backend}.ready"
    env = {
        **os.environ,
        "PAYMENTS_DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_NAMESPACE": kafka.namespace,
        "MUTUALIS_KEK": base64.b64encode(BENCH_KEY).decode(),
        "MUTUALIS_CLOCK_FILE": str(clock_file),
        "MUTUALIS_DATA_DIR": str(backends.tmp / "data"),
        "LOG_LEVEL": os.environ.get("BENCH_SERVICE_LOG_LEVEL", "WARNING"),
        "BENCH_READY_FILE": str(ready),
    }
    env.pop("MUTUALIS_KEK_FILE", None)
    if options.part_size:
        env["PAYMENTS_RUN_PART_SIZE"] = str(options.part_size)
    if options.profile:
        folder = options.profile / backend
        folder.mkdir(parents=True, exist_ok=True)
        env["BENCH_PROFILE_DIR"] = str(folder)
        env["BENCH_CPROFILE"] = "1" if options.cprofile else ""
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.payments_service"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, log, ready


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _staff(probe: Probe, kafka: KafkaSettings, clock) -> Sender:
    """A member-services session the service knows, whose token outlives the import (identity's
    last ten minutes: a large file would outlive one, see the notes)."""
    signer = Signer(kafka, clock)
    await signer.announce()
    await probe.until(lambda: probe.signing_key_known(signer.key_id), "signing key", 120)
    key = Ed25519PrivateKey.generate()
    issued = clock.now()
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "bench-member-services",
        "role": "member_services",
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(hours=10)).timestamp()),
        "jti": os.urandom(8).hex(),
        "amr": ["pwd"],
        "cnf": {"jwk": public_jwk(key)},
    }
    token = jwt.encode(claims, signer.key, algorithm=ALGORITHM, headers={"kid": signer.key_id})
    return Sender(token, key)


async def _learn_members(probe: Probe, dossier, kafka, population, result: Measured) -> None:
    persons = population.persons
    expected = (
        len(persons),
        sum(1 for h in population.households if h.iban),
        sum(1 for p in persons if p.gp),
    )
    started = time.perf_counter()
    keys, events = await payments_dossier.publish(dossier, kafka)
    result.dossier_messages = keys + events
    _progress(f"{result.backend}: dossier published {keys:,} keys, {events:,} events")

    async def learnt() -> bool:
        return await probe.members() == expected

    done = await probe.until(
        learnt, f"{result.backend}: members learnt", 36_000, poll=1.0, progress=probe.members
    )
    result.learnt_s = done - started
    _progress(f"{result.backend}: payments learnt {expected} in {result.learnt_s:.0f} s")


async def _profile(probe: Probe, options: Options, phase: str, result: Measured | None = None):
    """Starts the service's profile ("start"), or ends it as `phase` and keeps where it went."""
    if options.profile is None:
        return
    if phase == "start":
        probe.process.send_signal(signal.SIGUSR1)
        return
    folder = options.profile / result.backend
    number = len(result.profiles) + 1
    probe.process.send_signal(signal.SIGUSR2)
    await probe.until(_exists(folder / f"{number}.done"), "profile written", 120)
    result.profiles.append((phase, folder / str(number)))


def _figures(options: Options, measured: list[Measured], raw: float) -> list[Figure]:
    n = options.certificates
    result = []
    for m in measured:
        base = [Baseline("raw aiokafka produce+consume", raw)]
        result += [
            Figure(
                "5a", f"certificates end to end, {n:,}", m.backend, "cert/s", n / m.total_s, base
            ),
            Figure(
                "5b", "  import → reimbursed (outcomes in)", m.backend, "cert/s", n / m.import_s
            ),
            Figure("5c", "  payment run, all parts", m.backend, "cert/s", n / m.run_s),
            Figure("5d", "  then history projection caught up", m.backend, "s", m.projection_s),
            Figure("5e", "service peak RSS, import to end", m.backend, "MiB", m.peak / MIB),
            Figure(
                "5f",
                f"service RSS at {m.rss[0][0]:,} → {m.rss[-1][0]:,} answered",
                m.backend,
                "MiB",
                m.rss[0][1] / MIB,
            ),
            Figure("", "", m.backend, "MiB", m.rss[-1][1] / MIB),
        ]
    return result


def _machine_lines(phases: dict[str, Split], certificates: int) -> list[str]:
    """CPU per certificate of every process, per phase and in all, and what the cores allow."""
    order = ("service", "PostgreSQL", "bench (importer)", "broker", "other")
    lines = ["    CPU per certificate, every process on the machine (ms):"]
    everything = sum(phases.values(), Split({}, 0.0, 0.0))
    for phase, split in (*phases.items(), ("in all", everything)):
        lines.append(
            f"      {phase:<9} "
            + ", ".join(f"{g} {split.by_group.get(g, 0.0) / certificates * 1e3:.3f}" for g in order)
            + f" = {split.total / certificates * 1e3:.3f}; the machine busy "
            f"{split.busy / split.capacity * 100:.0f} % of its {os.cpu_count()} cores"
        )
    # The machine's busy time counts what no process is charged with (interrupts, the kernel).
    ceiling = certificates / everything.busy * os.cpu_count()
    lines.append(f"      every core busy, the machine could take at most {ceiling:,.0f} cert/s")
    return lines


def _notes(options, measured: list[Measured], raw: float, share: int, population) -> list[str]:
    n = options.certificates
    lines = [
        "",
        f"5 payments: {n:,} certificates over {len(population.persons):,} members "
        f"({len(population.households):,} booklets); import batches of {options.batch}, "
        f"{options.in_flight} in flight; run parts of "
        f"{options.part_size or payments_settings().run_part_size:,} items; service clock "
        "07:00 → run time; baseline: raw aiokafka, "
        f"{n:,} messages of {share} B (one certificate's share of a sealed command), "
        f"{raw:,.0f} msg/s.",
    ]
    for m in measured:
        first, last = m.rss[0], m.rss[-1]
        growth = (last[1] - first[1]) / first[1] * 100
        report = m.report
        lines += [
            f"  {m.backend}: end to end {m.total_s:,.1f} s = import {m.import_s:,.1f} + run "
            f"{m.run_s:,.1f} + projection {m.projection_s:,.1f} (relay done +{m.relay_s:,.1f} s "
            f"after the run); ours/raw {n / m.total_s / raw:.4f}; load average "
            f"{m.load:.1f} at the start, {m.load_end:.1f} at the end (2 cores)",
            "    CPU seconds, service / bench process (importer): "
            + ", ".join(f"{phase} {svc:,.1f} / {own:,.1f}" for phase, (svc, own) in m.cpu.items())
            + f"; service CPU per certificate {sum(c for c, _ in m.cpu.values()) / n * 1e3:.2f} ms"
            f" (a core of its own: at most {n / sum(c for c, _ in m.cpu.values()):,.0f} cert/s)",
            *_machine_lines(m.machine, n),
            f"    RSS at {first[0]:,} answered {first[1] / MIB:,.0f} MiB, at {last[0]:,} "
            f"{last[1] / MIB:,.0f} MiB ({growth:+.1f} %), peak {m.peak / MIB:,.0f} MiB, after the "
            f"run {m.rss_end / MIB:,.0f} MiB; every 10 %: "
            + " ".join(f"{r / MIB:.0f}" for _, r in m.rss),
            f"    set-up: payments learnt the members from {m.dossier_messages:,} dossier "
            f"messages in {m.learnt_s:,.0f} s ({m.dossier_messages / m.learnt_s:,.0f} msg/s)",
            f"    import report: {report.lines:,} lines, {report.reimbursed:,} reimbursed, "
            f"{len(report.refused):,} refused"
            + (f" (first: {report.refused[0]})" if report.refused else ""),
            f"    books: {m.books}",
            "    on Kafka (payments' topics): "
            + "; ".join(
                f"{name} {records:,} records, {size / MIB:,.1f} MiB"
                + (f" ({size / records / 1024:,.1f} KiB each)" if records else "")
                for name, (records, size) in m.volumes.items()
            ),
        ]
        for phase, base in m.profiles:
            lines += [f"    profile of {phase} ({base}.prof):", *summary(base)]
    return lines
