"""The `mutualis` command line."""

from __future__ import annotations

import asyncio
import getpass
import importlib
import json
import sys
from pathlib import Path

import click

from shared.contracts import commands, events
from shared.settings import KafkaSettings, ServiceSettings


@click.group()
def main() -> None:
    """Back office of a Belgian health-insurance fund."""


@main.command()
@click.option("--broker-port", default=9092, envvar="MUTUALIS_BROKER_PORT", show_default=True)
def run(broker_port: int) -> None:
    """Start the local broker and every built service; Ctrl-C stops them."""
    from mutualis.launcher import run as launch

    sys.exit(launch(broker_port))


@main.command()
@click.option("--port", default=8010, envvar="MUTUALIS_IDP_PORT", show_default=True)
def idp(port: int) -> None:
    """Serve the local identity provider (a stand-in for eID, itsme, CSAM) on PORT."""
    import uvicorn

    from mutualis.idp import create_idp

    issuer = f"http://127.0.0.1:{port}"
    uvicorn.run(create_idp(issuer), host="127.0.0.1", port=port, log_level="warning")


@main.group()
def staff() -> None:
    """Staff tooling."""


@staff.command("send")
@click.argument("service")
@click.argument("command")
@click.argument("payload")
@click.option("--as", "user", default=getpass.getuser, help="The staff member sending it.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the outcome.")
def send(service: str, command: str, payload: str, user: str, timeout: float) -> None:
    """Send COMMAND with its JSON PAYLOAD to SERVICE and print the outcome as JSON.
    Exits 1 when the command is rejected, 2 when no outcome arrives in time."""
    from mutualis.staff import send_command

    try:
        body = json.loads(payload)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="PAYLOAD") from None
    try:
        outcome = asyncio.run(
            send_command(KafkaSettings(), service, command, body, f"staff:{user}", timeout)
        )
    except TimeoutError:
        click.echo(json.dumps({"status": "timeout", "seconds": timeout}))
        sys.exit(2)
    except LookupError as error:
        click.echo(json.dumps({"status": "error", "reason": str(error)}))
        sys.exit(2)
    click.echo(outcome.model_dump_json(indent=2))
    sys.exit(0 if outcome.status == "accepted" else 1)


@main.group()
def monitor() -> None:
    """Watch the event streams."""


@monitor.command()
@click.option("--from-beginning", is_flag=True, help="Print the events already on the topics too.")
@click.option("--limit", type=int, default=None, help="Stop after this many events.")
def tail(from_beginning: bool, limit: int | None) -> None:
    """Print every service's events as they arrive (type, stream, time, correlation id)."""
    from mutualis.monitor import tail as follow

    try:
        asyncio.run(follow(KafkaSettings(), from_beginning, limit))
    except KeyboardInterrupt:
        pass


@main.group()
def projections() -> None:
    """Read models."""


@projections.command()
@click.argument("service")
@click.argument("name")
def rebuild(service: str, name: str) -> None:
    """Drop projection NAME of SERVICE and rebuild it from position 0."""
    from shared.service import Runtime

    definition = importlib.import_module(f"services.{service}.app").definition
    runtime = Runtime(definition, ServiceSettings.for_service(service))

    async def go() -> int:
        try:
            await runtime.database.migrate(*definition.migrations)
            return await runtime.projector.rebuild(name)
        finally:
            await runtime.database.dispose()

    click.echo(json.dumps({"projection": name, "events": asyncio.run(go())}))


@main.group()
def contracts() -> None:
    """Integration contracts."""


@contracts.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export(folder: Path) -> None:
    """Write the JSON Schema of every event and command to FOLDER."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, registry in (("events", events), ("commands", commands)):
        for name, schema in registry.json_schemas().items():
            (folder / f"{kind}.{name}.json").write_text(json.dumps(schema, indent=2))
    click.echo(f"wrote {len(events.names()) + len(commands.names())} schemas to {folder}")


if __name__ == "__main__":
    main()
