"""The whole system as `make run` starts it, for the end-to-end tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def launched(env: dict) -> tuple[subprocess.Popen, list[str]]:
    """`mutualis run` with `env`, and the lines it printed up to "running" (all of them, if
    it stopped first)."""
    launcher = subprocess.Popen(
        [BIN / "mutualis", "run"], env=env, stdout=subprocess.PIPE, text=True
    )
    lines = []
    for line in launcher.stdout:
        lines.append(line)
        if line.startswith("running"):
            break
    return launcher, lines
