"""`python -m bench [--quick]`: our event store, relay, projections and command path, each
measured beside a baseline in the same run on this machine. Prints a table; writes nothing.

Progress goes to stderr, the table to stdout."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import sys
import time
from importlib.metadata import version

import asyncpg

from bench import appends, latency, publishing, rebuild
from bench.infra import Backends, Sizes
from bench.report import Figure, render
from bench.rows import payload_size
from shared.logging import configure_logging

BACKENDS = ("sqlite", "postgresql")


def progress(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)


async def run(backends: Backends, sizes: Sizes, started: float) -> list[Figure]:
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
    return figures


async def postgres_version(backends: Backends) -> str:
    conn = await asyncpg.connect(f"{backends.postgres.url}/postgres")
    try:
        return (await conn.fetchval("SHOW server_version")).split()[0]
    finally:
        await conn.close()


def header(backends: Backends, sizes: Sizes, pg_version: str, quick: bool, seconds: float) -> list[str]:
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
        f"rebuild {sizes.rebuild:,}+500 events, latency {sizes.latency} samples; "
        f"warm-up first in each case",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about 10x smaller sizes (smoke test)")
    args = parser.parse_args()
    sizes = Sizes.quick() if args.quick else Sizes.full()
    configure_logging("bench", "WARNING")

    started = time.perf_counter()
    progress("starting Kafka broker and PostgreSQL", started)
    backends = Backends.start()
    try:
        figures = asyncio.run(run(backends, sizes, started))
        pg_version = asyncio.run(postgres_version(backends))
    finally:
        backends.stop()
    seconds = time.perf_counter() - started
    print(render(figures, header(backends, sizes, pg_version, args.quick, seconds)))


if __name__ == "__main__":
    main()
