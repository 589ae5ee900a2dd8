"""The whole system as `make run` starts it, for the end-to-end tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from shared.messaging.local_broker import free_port
from shared.settings import DEFAULT_PORTS

BIN = Path(sys.executable).parent
# Left alone, the system idles at about one core on the local broker: every consumer's fetch
# comes back each 20 ms and every loop (relay, projections, timers) looks for work each 50 ms.
# Its tests share two cores with three other workers (make test), so the system they start
# looks less often: each hop takes a little longer, and the other tests keep the CPU.
QUIETER = {
    "KAFKA_FETCH_MAX_WAIT_MS": "100",
    **{f"{service}_POLL_INTERVAL_S": "0.2" for service in map(str.upper, DEFAULT_PORTS)},
}


def launched(env: dict) -> tuple[subprocess.Popen, list[str]]:
    """`mutualis run` with `env`, and the lines it printed up to "running" (all of them, if
    it stopped first). A service whose port `env` does not give listens on a free one."""
    ports = {f"{name.upper()}_PORT": str(free_port()) for name in DEFAULT_PORTS}
    for stand_in in ("MUTUALIS_IDP_PORT", "MUTUALIS_SMTP_PORT", "MUTUALIS_SMS_PORT"):
        ports[stand_in] = str(free_port())
    launcher = subprocess.Popen(
        [BIN / "mutualis", "run"],
        env={**QUIETER, **ports, **env},
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in launcher.stdout:
        lines.append(line)
        if line.startswith("running"):
            break
    return launcher, lines
