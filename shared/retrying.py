"""The one retry policy of the project, on tenacity: how a background worker rides out an outage
(relay, projections, timers), and how a unit of work that lost a race for a stream is run again.

Both back off exponentially with jitter: replicas, and the workers of one process, that failed
together must not all come back at the same instant to a database or broker that just
recovered."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random_exponential,
)

from shared.eventstore import WrongExpectedVersion
from shared.logging import get_logger

log = get_logger(__name__)

# How long to wait before the next attempt: a tenacity `wait`, or any function like it.
Backoff = Callable[[RetryCallState], float]

# A worker's first retry comes almost at once: most failures are a blip (a broker failover, a
# connection the database dropped) and the backlog should not grow while nothing is wrong...
OUTAGE_FIRST_DELAY = 0.1
# ...and a long outage is tried at least twice a minute, so a worker is back within half a
# minute of its end, without hammering a database that is down (the old loop tried 20 times a
# second, and logged each one).
OUTAGE_LONGEST_DELAY = 30.0

# Two writers on one stream: the loser decides again on the state the winner left. A few tries
# settle any real contention; a stream that keeps changing beyond that is news for the sender,
# who should hear it now rather than wait.
CONFLICT_ATTEMPTS = 5
# Long enough for the winner's transaction to commit, short enough not to be felt by the user.
CONFLICT_FIRST_DELAY = 0.005
CONFLICT_LONGEST_DELAY = 0.1


def backoff(first: float, longest: float) -> Backoff:
    """Doubling delays from `first`, at most `longest`, each drawn between half and all of it
    ("equal jitter"): spread out, and still growing, so a long outage is not polled fast."""
    half, half_cap = first / 2, longest / 2
    return wait_exponential(multiplier=half, max=half_cap) + wait_random_exponential(
        multiplier=half, max=half_cap
    )


OUTAGE_BACKOFF = backoff(OUTAGE_FIRST_DELAY, OUTAGE_LONGEST_DELAY)
CONFLICT_BACKOFF = backoff(CONFLICT_FIRST_DELAY, CONFLICT_LONGEST_DELAY)

# A message handed back after a transient failure (a data key not shared yet, the database
# away) comes back at once: the consumer pauses before it, longer each time in a row, so a
# key that takes a while to arrive is not asked for hundreds of times a second.
REDELIVERY_BACKOFF = backoff(0.05, 5.0)


def delay_before(attempt: int, wait: Backoff) -> float:
    """How long `wait` pauses before attempt number `attempt` + 1, outside a tenacity loop."""
    state = RetryCallState(None, None, (), {})
    state.attempt_number = attempt
    return wait(state)


async def poll_until_stopped(
    step: Callable[[], Awaitable[int]],
    stop: asyncio.Event,
    idle_wait: float,
    name: str,
    *,
    outage_backoff: Backoff | None = None,
    wake: asyncio.Event | None = None,
) -> None:
    """Runs `step` again at once while it finds work, and after `idle_wait` when it finds none.

    A failing step is retried with `OUTAGE_BACKOFF` for as long as it fails, and the outage is
    logged once: `<name>.failing` at its first failure, `<name>.recovered` when a step succeeds
    again. Every wait ends as soon as `stop` is set, and no step starts after that."""

    async def pause(delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)

    async def idle(delay: float) -> None:
        """Until the next poll, or until `wake` says there is work (then cleared, before the
        step looks, so a wake-up during the step is not lost)."""
        if wake is None:
            return await pause(delay)
        waiting = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
        await asyncio.wait(waiting, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiting:
            waiter.cancel()
        wake.clear()

    outage = AsyncRetrying(
        wait=outage_backoff or OUTAGE_BACKOFF,
        sleep=pause,
        retry=retry_if_exception_type(Exception),
        before_sleep=_warn_once(name),
    )
    while not stop.is_set():
        done = 0
        async for attempt in outage:
            if stop.is_set():
                return
            with attempt:
                done = await step()
        failures = attempt.retry_state.attempt_number - 1
        if failures:
            seconds = round(attempt.retry_state.seconds_since_start or 0.0, 3)
            log.info(f"{name}.recovered", failed_attempts=failures, outage_seconds=seconds)
        if not done:
            await idle(idle_wait)


def _warn_once(name: str) -> Callable[[RetryCallState], None]:
    """Tells of an outage at its first failure only: the next ones are the same news."""

    def warn(state: RetryCallState) -> None:
        if state.attempt_number == 1 and state.outcome is not None:
            error = state.outcome.exception()
            log.warning(
                f"{name}.failing",
                error=str(error) or type(error).__name__,
                retry_in=round(state.upcoming_sleep, 3),
                exc_info=error,
            )

    return warn


def retry_on_conflict(
    attempts: int = CONFLICT_ATTEMPTS, conflict_backoff: Backoff | None = None
) -> AsyncRetrying:
    """Runs the block of each attempt again when it raises `WrongExpectedVersion`, at most
    `attempts` times in all; then the last `WrongExpectedVersion` propagates. Each attempt
    must be a whole unit of work, so that it decides again on the new state:

        async for attempt in retry_on_conflict():
            with attempt:
                async with unit_of_work(store, clock) as uow:
                    ...
    """
    return AsyncRetrying(
        retry=retry_if_exception_type(WrongExpectedVersion),
        stop=stop_after_attempt(attempts),
        # Looked up now, not at import: a test may make it instant.
        wait=conflict_backoff or CONFLICT_BACKOFF,
        reraise=True,
    )
