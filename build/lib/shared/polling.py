"""The loop behind every background worker of a service (relay, projections, timers)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from shared.logging import get_logger

log = get_logger(__name__)


async def poll_until_stopped(
    step: Callable[[], Awaitable[int]], stop: asyncio.Event, idle_wait: float, name: str
) -> None:
    """Runs `step` again at once while it finds work, and after `idle_wait` when it finds none
    or fails (a failure is logged; the next round retries)."""
    while not stop.is_set():
        try:
            done = await step()
        except Exception:
            log.exception(f"{name}.failed")
            done = 0
        if not done:
            try:
                await asyncio.wait_for(stop.wait(), idle_wait)
            except TimeoutError:
                pass
