"""Waiting for a condition, never for a fixed time: a test polls what it waits for (a row, an
answer, a projection's state) and stops as soon as it holds. Both return the check's last
result, so the test's own assertion says what did not happen."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T]], timeout: float = 30.0, interval: float = 0.05
) -> T:
    """Polls an async `check` until it returns something truthy or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(interval)


def until(check: Callable[[], T], timeout: float = 30.0, interval: float = 0.1) -> T:
    """`eventually` for a blocking `check`, e.g. a request to a service in another process."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
