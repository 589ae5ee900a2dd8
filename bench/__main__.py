"""`python -m bench [--quick]`: our event store, relay, projections, command path and care
certificates end to end through payments, each measured beside a baseline in the same run on
this machine. Prints a table; writes nothing.

`python -m bench payments [--certificates N] [--members N] [--backend B] [--profile DIR]`:
the payments figure alone (bench.payments), e.g. smaller while working on it.

Progress goes to stderr, the table to stdout."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import sys
import time
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import asyncpg

from bench import appends, latency, payments, publishing, rebuild
from bench.infra import Backends, Sizes
from bench.report import Figure, render
from bench.rows import payload_size
from mutualis import importing
from shared.logging import configure_logging

BACKENDS = ("sqlite", "postgresql")


def progress(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)


async def run(
    backends: Backends, sizes: Sizes, started: float
) -> tuple[list[Figure], list[str]]:
    figures: list[Figure] = []
    for backend in BACKENDS:
        progress(f"1 appends on {backend}", started)
        figures += await appends.figures(backends, backend, sizes)
    for backend in BACKENDS:
        progress(f"2 relay on {backend}", started)
        figures += await publishing.figures(backends, backend, sizes)
    for backend in BACKENDS:
        progress(f"3 projection rebuild on {backend}", started)
        figures += await rebuild.figures(backends, backend, sizes)
    progress("4 command → read model latency", started)
    figures += await latency.figures(backends, sizes)
    progress(f"5 payments end to end, {sizes.certificates:,} certificates", started)
    options = payments.Options(certificates=sizes.certificates, members=sizes.members)
    ours, notes = await payments.figures(backends, options)
    return figures + ours, notes


async def run_payments(backends: Backends, options: payments.Options, started: float):
    progress(f"5 payments end to end, {options.certificates:,} certificates", started)
    return await payments.figures(backends, options)


async def postgres_version(backends: Backends) -> str:
    conn = await asyncpg.connect(f"{backends.postgres.url}/postgres")
    try:
        return (await conn.fetchval("SHOW server_version")).split()[0]
    finally:
        await conn.close()


def header(
    backends: Backends, sizes: Sizes, pg_version: str, quick: bool, seconds: float
) -> list[str]:
    broker = "tansu (local, memory)" if backends._broker else "KAFKA_BOOTSTRAP_SERVERS"
    packages = ", ".join(
        f"{p} {version(p)}" for p in ("eventsourcing", "SQLAlchemy", "aiosqlite", "asyncpg",
                                      "psycopg", "aiokafka", "faststream")
    )
    return [
        f"mutualis bench{' --quick' if quick else ''}: one run, {seconds:.0f} s, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL, temp file) · "
        f"PostgreSQL {pg_version} (fresh database per case) · Kafka: {broker}",
        packages,
        f"payload ≈ {payload_size()} bytes JSON; sizes: 1a {sizes.single} txns, "
        f"1b 4×{sizes.concurrent} txns, 1c {sizes.batches}×100 events (appends onto a history "
        f"of {sizes.history:,} events, ANALYZEd), relay {sizes.relay:,} events, "
        f"rebuild {sizes.rebuild:,}+500 events, latency {sizes.latency} samples, payments "
        f"{sizes.certificates:,} certificates over {sizes.members:,} members; "
        f"warm-up first in each case",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "only", nargs="?", choices=["payments"], help="run this figure alone (options below)"
    )
    parser.add_argument("--quick", action="store_true", help="about 10x smaller sizes (smoke test)")
    figure = parser.add_argument_group("payments (with `payments` only)")
    figure.add_argument("--certificates", type=int, help="certificates to import (1,000,000)")
    figure.add_argument("--members", type=int, help="members they are for (100,000)")
    figure.add_argument("--backend", action="append", choices=payments.BACKENDS, help="repeatable")
    figure.add_argument(
        "--profile", type=Path, help="step timings and SQL counts per phase, kept here"
    )
    figure.add_argument("--cprofile", action="store_true", help="with --profile: cProfile too")
    figure.add_argument("--part-size", type=int, help="PAYMENTS_RUN_PART_SIZE of the service")
    figure.add_argument("--batch", type=int, default=importing.BATCH, help="certificates a command")
    figure.add_argument("--in-flight", type=int, default=importing.IN_FLIGHT)
    args = parser.parse_args()
    sizes = Sizes.quick() if args.quick else Sizes.full()
    configure_logging("bench", "WARNING")

    started = time.perf_counter()
    progress("starting Kafka broker and PostgreSQL", started)
    backends = Backends.start()
    try:
        if args.only == "payments":
            options = payments.Options(
                certificates=args.certificates or sizes.certificates,
                members=args.members or sizes.members,
                backends=tuple(args.backend or payments.BACKENDS),
                profile=args.profile.resolve() if args.profile else None,
                cprofile=args.cprofile,
                part_size=args.part_size,
                batch=args.batch,
                in_flight=args.in_flight,
            )
            sizes = replace(sizes, certificates=options.certificates, members=options.members)
            figures, notes = asyncio.run(run_payments(backends, options, started))
        else:
            figures, notes = asyncio.run(run(backends, sizes, started))
        pg_version = asyncio.run(postgres_version(backends))
    finally:
        backends.stop()
    seconds = time.perf_counter() - started
    print(render(figures, header(backends, sizes, pg_version, args.quick, seconds)))
    print("\n".join(notes))


if __name__ == "__main__":
    main()
