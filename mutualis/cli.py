"""The `mutualis` command line."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
from pathlib import Path

import click
import httpx

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
    app = create_idp(issuer, _clock())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


@main.group()
def staff() -> None:
    """Staff tooling."""


def _service_url(name: str) -> str:
    """Where a running service answers: MUTUALIS_<NAME>_URL, else its own host and port."""
    settings = ServiceSettings.for_service(name)
    default = f"http://{settings.host}:{settings.port}"
    return os.environ.get(f"MUTUALIS_{name.upper()}_URL", default)


@staff.command("login")
@click.argument("login")
@click.option(
    "--password-file",
    type=click.File(),
    help="Read the password from this file instead of asking for it.",
)
def login(login: str, password_file) -> None:
    """Log in to identity as LOGIN; the commands you send afterwards carry your identity."""
    from mutualis import session

    password = (
        password_file.read().strip() if password_file else click.prompt("Password", hide_input=True)
    )
    try:
        session.log_in(_service_url("identity"), login, password, session.default_path())
    except session.NotLoggedIn as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"logged in as {login}")


@staff.command("logout")
def logout() -> None:
    """Forget the session's tokens."""
    from mutualis import session

    session.default_path().unlink(missing_ok=True)


@staff.command("send")
@click.argument("service")
@click.argument("command")
@click.argument("payload")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the outcome.")
def send(service: str, command: str, payload: str, timeout: float) -> None:
    """Send COMMAND with its JSON PAYLOAD to SERVICE, as the logged-in user, and print the
    outcome as JSON. Exits 1 when the command is rejected, 2 when no outcome arrives in time."""
    from mutualis import session
    from mutualis.staff import send_command

    try:
        body = json.loads(payload)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="PAYLOAD") from None
    try:
        token = session.access_token(session.default_path())
    except session.NotLoggedIn as refusal:
        raise click.ClickException(str(refusal)) from None
    try:
        outcome = asyncio.run(send_command(KafkaSettings(), service, command, body, token, timeout))
    except TimeoutError:
        click.echo(json.dumps({"status": "timeout", "seconds": timeout}))
        sys.exit(2)
    except LookupError as error:
        click.echo(json.dumps({"status": "error", "reason": str(error)}))
        sys.exit(2)
    click.echo(outcome.model_dump_json(indent=2))
    sys.exit(0 if outcome.status == "accepted" else 1)


def _clock():
    from shared.clock import ShiftedClock, SystemClock

    path = ServiceSettings(name="clock").clock_file
    return ShiftedClock(path) if path else SystemClock()


@main.group()
def clock() -> None:
    """The time of a running system started with MUTUALIS_CLOCK_FILE (tests and demos)."""


@clock.command("advance")
@click.argument("days", type=float)
def clock_advance(days: float) -> None:
    """Move the time of every process of the local system on by DAYS (deadlines fall due as if
    they had passed)."""
    from datetime import timedelta

    from shared.clock import ShiftedClock

    settings = ServiceSettings(name="clock")
    # Where `make run` points its processes unless told otherwise.
    path = settings.clock_file or (settings.data_dir / "clock").resolve()
    shift = ShiftedClock.advance(path, timedelta(days=days))
    click.echo(f"the system's time is {shift} ahead")


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("seed")
def demo_seed() -> None:
    """Enrol demo households (as the logged-in member services or admin user) and list their
    persons, children on both sides of each age boundary of the access policies."""
    from datetime import date

    from mutualis import demo as data
    from mutualis import session
    from mutualis.staff import send_command
    from shared.reference import configured_federation

    try:
        token = session.access_token(session.default_path())
    except session.NotLoggedIn as refusal:
        raise click.ClickException(str(refusal)) from None
    kafka, today = KafkaSettings(), date.today()

    async def send(command: str, payload: dict):
        return await send_command(kafka, "dossier", command, payload, token, 30)

    outcomes = asyncio.run(data.seed(send, configured_federation(), today))
    refused = [o.reason for o in outcomes if o.status == "rejected"]
    for household in data.households(today):
        for person in household:
            born = person.birth_date
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            click.echo(
                f"{person.booklet_id:<14} {person.role:<9} {person.national_register_number}  "
                f"{person.first_name} {person.last_name}, born {born} ({age})"
            )
    if refused:
        click.echo(f"{len(refused)} commands refused (already seeded?): {refused[0]}", err=True)


@staff.command("complaints-report")
@click.argument("start", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("end", type=click.DateTime(["%Y-%m-%d"]))
def complaints_report(start, end) -> None:
    """CMP-9: complaints received from START to END (YYYY-MM-DD) per category and outcome, and
    the recommendations recorded, as the logged-in complaints handler sees them."""
    from mutualis import session

    try:
        token = session.access_token(session.default_path())
    except session.NotLoggedIn as refusal:
        raise click.ClickException(str(refusal)) from None
    url = _service_url("complaints")
    response = httpx.get(
        f"{url}/complaints/report",
        params={"start": start.date().isoformat(), "end": end.date().isoformat()},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    if response.status_code != 200:
        raise click.ClickException(f"{response.status_code}: {response.json()['detail']}")
    click.echo(json.dumps(response.json(), indent=2))


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


@monitor.command()
def complaints() -> None:
    """The complaint procedure's figures: open complaints per state, missed deadlines, and the
    share of acknowledgements and status messages sent on time."""
    url = _service_url("monitoring")
    try:
        response = httpx.get(f"{url}/complaints", timeout=10)
    except httpx.HTTPError as error:
        raise click.ClickException(f"monitoring does not answer on {url}: {error}") from None
    click.echo(json.dumps(response.json(), indent=2))


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
