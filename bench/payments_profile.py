"""Reading what the payments service's profile of a phase says (bench.payments_service): the
steps that took the time (wall time, overlapping: see bench.payments_timings), the SQL
statements it ran, most frequent first, and with cProfile the functions by own time."""

from __future__ import annotations

import io
import json
import pstats
from pathlib import Path

TOP_STEPS = 40
TOP_FUNCTIONS = 25
TOP_STATEMENTS = 20


def summary(base: Path) -> list[str]:
    steps = json.loads(Path(f"{base}.steps.json").read_text())
    phase = steps["seconds"]
    lines = [f"      steps, wall time over the phase's {phase:,.1f} s (overlapping):"]
    for step in steps["steps"][:TOP_STEPS]:
        share = step["seconds"] / phase * 100 if phase else 0
        lines.append(
            f"        {step['seconds']:>9,.1f} s {share:>5.0f} %  {step['calls']:>9,} calls  "
            f"{step['step']}"
        )
    statements = json.loads(Path(f"{base}.sql.json").read_text())
    total = sum(s["count"] for s in statements)
    seconds = sum(s["seconds"] for s in statements)
    lines.append(
        f"      SQL: {total:,} statements, {seconds:,.1f} s inside execute (most frequent first):"
    )
    for s in statements[:TOP_STATEMENTS]:
        lines.append(f"        {s['count']:>9,}  {s['seconds']:>7.1f} s  {s['statement'][:160]}")
    if Path(f"{base}.prof").exists():
        out = io.StringIO()
        pstats.Stats(f"{base}.prof", stream=out).sort_stats("tottime").print_stats(TOP_FUNCTIONS)
        lines += ["      cProfile, functions by own time (event-loop thread):"]
        lines += ["      " + line for line in _table(out.getvalue())]
    return lines


def _table(text: str) -> list[str]:
    """pstats' table without its preamble."""
    rows = text.splitlines()
    start = next((n for n, row in enumerate(rows) if row.lstrip().startswith("ncalls")), 0)
    return [row for row in rows[start:] if row.strip()]
