"""Figures, each beside its baselines from the same run, printed as an aligned table."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Baseline:
    name: str
    value: float


@dataclass
class Figure:
    section: str  # e.g. "1a"
    what: str
    backend: str
    unit: str  # "events/s" (higher is better) or "ms" (lower is better)
    ours: float
    baselines: list[Baseline] = field(default_factory=list)

    @property
    def higher_is_better(self) -> bool:
        return self.unit != "ms"


def _value(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:,.2f} {unit}"
    return f"{value:,.0f} {unit}"


def _ratio(figure: Figure, baseline: Baseline) -> str:
    ratio = figure.ours / baseline.value if baseline.value else float("nan")
    if figure.higher_is_better:
        verdict = "faster" if ratio > 1 else "slower"
    else:
        verdict = "faster" if ratio < 1 else "slower"
    return f"{ratio:6.2f}x  ({verdict})"


def render(figures: list[Figure], header: list[str]) -> str:
    rows = [["#", "figure", "backend", "ours", "baseline", "baseline value", "ours/baseline"]]
    for f in figures:
        for i, b in enumerate(f.baselines or [Baseline("-", 0.0)]):
            first = i == 0
            rows.append([
                f.section if first else "",
                f.what if first else "",
                f.backend if first else "",
                _value(f.ours, f.unit) if first else "",
                b.name,
                _value(b.value, f.unit) if f.baselines else "-",
                _ratio(f, b) if f.baselines else "-",
            ])
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    right = {3, 5}  # numbers
    lines = [*header, ""]
    for n, r in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += [
        "",
        "ours/baseline: throughputs (events/s) ours ÷ baseline, > 1 means ours is faster;",
        "latencies (ms) ours ÷ baseline, < 1 means ours is faster (lower latency is better).",
    ]
    return "\n".join(lines)
