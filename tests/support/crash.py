"""A complaints process that is killed (SIGKILL) at a chosen point, for the crash tests.

python -m tests.support.crash after-commit DATABASE_URL
python -m tests.support.crash after-publish DATABASE_URL
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from services.complaints.app import definition
from shared.clock import SystemClock
from shared.eventstore import unit_of_work
from shared.messaging import relay as relay_module
from shared.service import Runtime
from shared.settings import KafkaSettings, ServiceSettings
from tests.support.events import complaint_registered, pending, random_stream


def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


async def main(mode: str, database_url: str) -> None:
    settings = ServiceSettings(name="complaints", database_url=database_url, kafka=KafkaSettings())
    runtime = Runtime(definition, settings)
    await runtime.start(background=False)
    async with unit_of_work(runtime.store, SystemClock()) as uow:
        await uow.append(
            random_stream(), 0, [pending(complaint_registered())], correlation_id="crash"
        )
        await uow.commit()
    if mode == "after-commit":
        die()
    relay_module.save_checkpoint = die  # Kafka has acknowledged; the checkpoint never moves
    await runtime.relay.publish_pending()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
