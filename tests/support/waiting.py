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
    check: Callable[[], Awaitable[T]], timeout: float = 60.0, interval: float = 0.05
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


def settled(value: Callable[[], T], quiet_for: float = 5.0, timeout: float = 120.0) -> T:
    """A blocking `value` once it has not changed for `quiet_for` seconds (work in flight, such
    as mails sent after an answer, has arrived), or when `timeout` passes."""
    deadline = time.monotonic() + timeout
    last, since = value(), time.monotonic()
    while time.monotonic() - since < quiet_for and time.monotonic() < deadline:
        time.sleep(0.2)
        current = value()
        if current != last:
            last, since = current, time.monotonic()
    return last


async def counted_up_to(
    count: Callable[[], Awaitable[int]], target: int, stalled_after: float = 60.0
) -> int:
    """Polls a growing `count` until it reaches `target`, giving up only when it has not grown
    for `stalled_after` seconds: a busy machine makes the test slower, never wrong. The last
    count."""
    last, since = await count(), time.monotonic()
    while last < target and time.monotonic() - since < stalled_after:
        await asyncio.sleep(0.2)
        current = await count()
        if current != last:
            last, since = current, time.monotonic()
    return last
