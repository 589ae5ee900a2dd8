"""Which Kafka cluster a service is talking to, and noticing when it becomes another one.

A cluster that lost its log (the local broker after any restart, a cluster rebuilt from
nothing) is a new cluster with a new id: whatever a service published there is gone, every
consumer group's position with it. A service must then, while running and whatever the order
in which things restart, create its topics again before anything produces to them, read what
it consumes from the beginning and republish its store; consumers de-duplicate by id."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from shared.logging import get_logger
from shared.messaging.security import client_options
from shared.settings import KafkaSettings

log = get_logger(__name__)

# A broker that does not answer is not a new cluster: the check waits for one that answers.
UNREACHABLE = (KafkaError, OSError, asyncio.TimeoutError)


class ClusterWatch:
    """Asks the broker for its cluster id every `interval` seconds and calls `on_new` with it
    when it differs from the one the service works with."""

    def __init__(
        self,
        kafka: KafkaSettings,
        on_new: Callable[[str], Awaitable[None]],
        interval: float,
        report: Callable[[bool, str], None] | None = None,
    ) -> None:
        """`report(reachable, detail)` hears once when the broker stops answering and once
        when it answers again; by default it is logged."""
        self.kafka, self.on_new, self.interval = kafka, on_new, interval
        self.report = report or _log
        self.current: str | None = None
        self._admin: AIOKafkaAdminClient | None = None
        self._reachable = True

    async def cluster_id(self) -> str:
        """The id of the cluster the broker belongs to now."""
        if self._admin is None:
            self._admin = AIOKafkaAdminClient(**client_options(self.kafka), request_timeout_ms=5000)
            try:
                await self._admin.start()
            except BaseException:
                await self.close()
                raise
        try:
            return (await self._admin.describe_cluster())["cluster_id"]
        except BaseException:
            await self.close()  # a fresh connection next time, to whatever answers then
            raise

    async def check(self) -> bool:
        """Whether the cluster changed (and `on_new` ran); False while none answers."""
        try:
            found = await self.cluster_id()
        except UNREACHABLE as error:
            if self._reachable:
                self.report(False, f"{type(error).__name__}: {error}")
            self._reachable = False
            return False
        if not self._reachable:
            self.report(True, f"cluster {found}")
        self._reachable = True
        if found == self.current:
            return False
        if self.current is not None:
            log.warning("broker.new_cluster", was=self.current, now=found)
        await self.on_new(found)
        self.current = found
        return True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except TimeoutError:
                pass
            if stop.is_set():
                break
            try:
                await self.check()
            except Exception:  # the next round tries again; the service keeps serving
                log.exception("broker.rejoin_failed")
        await self.close()

    async def close(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            await admin.close()


def _log(reachable: bool, detail: str) -> None:
    if reachable:
        log.info("broker.reachable", detail=detail)
    else:
        log.warning("broker.unreachable", reason=detail)
