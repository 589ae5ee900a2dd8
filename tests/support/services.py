"""Running a service in-process in a test, wired exactly as its process wires it."""

from __future__ import annotations

from contextlib import asynccontextmanager

from shared.clock import Clock
from shared.service import Runtime, ServiceDefinition
from shared.settings import KafkaSettings, ServiceSettings


def settings_for(name: str, database_url: str, kafka: KafkaSettings) -> ServiceSettings:
    return ServiceSettings(name=name, database_url=database_url, kafka=kafka, port=0)


@asynccontextmanager
async def running(
    definition: ServiceDefinition,
    database_url: str,
    kafka: KafkaSettings,
    clock: Clock | None = None,
    background: bool = True,
):
    runtime = Runtime(definition, settings_for(definition.name, database_url, kafka), clock)
    await runtime.start(background=background)
    try:
        yield runtime
    finally:
        await runtime.stop()
