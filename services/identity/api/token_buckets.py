"""Token buckets on an injected clock: `burst` attempts at once, then one more every
`interval`. The rate-limiting libraries at hand (limits, pyrate-limiter, token-bucket) read the
machine's time themselves; ours must follow the service's clock (the fake one in tests, the
clock file `make run` moves), so these few lines are our own."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.clock import Clock

NO_WAIT = timedelta(0)


@dataclass
class _Bucket:
    tokens: float
    at: datetime


class TokenBuckets:
    """One bucket per key, in memory. A key never seen, or idle long enough, has a full bucket
    and takes no memory; at most `max_keys` others are kept (the least recently used go first:
    an attacker inventing keys evicts idle buckets, not the ones in use)."""

    def __init__(
        self, clock: Clock, burst: int, interval: timedelta, max_keys: int = 100_000
    ) -> None:
        self.clock, self.burst, self.interval, self.max_keys = clock, burst, interval, max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def wait(self, key: str) -> timedelta:
        """How long until `key` may take a token; zero if it may now."""
        missing = 1 - self._tokens(key)
        return self.interval * missing if missing > 0 else NO_WAIT

    def take(self, key: str) -> None:
        self._set(key, self._tokens(key) - 1)

    def give_back(self, key: str) -> None:
        self._set(key, self._tokens(key) + 1)

    def fill(self, key: str) -> None:
        self._buckets.pop(key, None)

    def _tokens(self, key: str) -> float:
        bucket = self._buckets.get(key)
        if bucket is None:
            return float(self.burst)
        # A clock set back refills nothing (and takes nothing away).
        elapsed = max(self.clock.now() - bucket.at, NO_WAIT)
        return min(float(self.burst), bucket.tokens + elapsed / self.interval)

    def _set(self, key: str, tokens: float) -> None:
        if tokens >= self.burst:
            self._buckets.pop(key, None)
            return
        self._buckets[key] = _Bucket(tokens, self.clock.now())
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
