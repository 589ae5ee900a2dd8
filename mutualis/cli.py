"""The `mutualis` command line."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from decimal import Decimal
from pathlib import Path

import click
import httpx

from mutualis import catalogue
from mutualis.settings import ToolSettings
from shared.contracts import commands, events
from shared.private_files import replace_private
from shared.settings import KafkaSettings, ServiceSettings


@click.group()
def main() -> None:
    """Back office of a Belgian health-insurance fund.

    \b
    Services taking commands: identity, dossier, payments, einvoicing, complaints.
    `mutualis staff send --help` lists their commands and fields.
    """


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


@main.command()
@click.option("--folder", default="data/outbox", type=click.Path(path_type=Path), show_default=True)
@click.option("--smtp-port", default=8025, envvar="MUTUALIS_SMTP_PORT", show_default=True)
@click.option("--sms-port", default=8026, envvar="MUTUALIS_SMS_PORT", show_default=True)
@click.option("--token-file", required=True, type=click.Path(exists=True, path_type=Path))
def outbox(folder: Path, smtp_port: int, sms_port: int, token_file: Path) -> None:
    """Serve the local mail server and SMS gateway (stand-ins): what the services send lands as
    files in FOLDER."""
    from mutualis.outbox import serve

    serve(folder, smtp_port, sms_port, token_file.read_text().strip())


@main.group()
def staff() -> None:
    """Staff tooling."""


def _service_url(name: str) -> str:
    """Where a running service answers: MUTUALIS_<NAME>_URL, else its own host and port."""
    return ToolSettings().service_url(name)


@staff.command("login")
@click.argument("login")
@click.option(
    "--password-file",
    type=click.File(),
    help="Read the password from this file instead of asking for it.",
)
@click.option(
    "--totp-secret-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Staff: compute the authenticator's code from this secret instead of asking for it.",
)
def login(login: str, password_file, totp_secret_file: Path | None) -> None:
    """Log in to identity as LOGIN; the commands you send afterwards carry your identity.
    Staff give the code of the authenticator app set up at activation too."""
    from mutualis import session

    password = (
        password_file.read().strip() if password_file else click.prompt("Password", hide_input=True)
    )
    url, path = _service_url("identity"), session.default_path()
    code = session.totp_code(totp_secret_file, _clock()) if totp_secret_file else None
    try:
        try:
            session.log_in(url, login, password, path, **({"totp": code} if code else {}))
        except session.CodeNeeded:
            if code:
                raise
            code = click.prompt("Code of your authenticator app")
            session.log_in(url, login, password, path, totp=code)
    except session.NotLoggedIn as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"logged in as {login}")


@staff.command("add-account")
@click.argument("login")
@click.argument(
    "role", type=click.Choice(["complaints_handler", "mediator", "member_services", "admin"])
)
def add_account(login: str, role: str) -> None:
    """Open a staff account LOGIN with ROLE (as the logged-in administrator) and print the
    activation code to hand to its holder, who sets a password with `staff activate`."""
    import uuid

    from mutualis.staff import send_command

    account_id = str(uuid.uuid4())
    payload = {"account_id": account_id, "login": login, "role": role}
    outcome = asyncio.run(
        send_command(
            KafkaSettings(), "identity", "RegisterPortalAccount", payload, _sender(), 30, _clock()
        )
    )
    if outcome.status != "accepted":
        raise click.ClickException(f"refused: {outcome.reason}")
    code = _activation_code(account_id)
    click.echo(f"account {account_id} ({login}, {role})")
    click.echo(f"activation code {code['activation_code']} (valid {code['expires_in_days']} days)")
    click.echo(f"its holder runs: mutualis staff activate {login}")


@staff.command("activation-code")
@click.argument("account_id")
def activation_code(account_id: str) -> None:
    """A new activation code for ACCOUNT_ID (a forgotten password); the old one stops working."""
    code = _activation_code(account_id)
    click.echo(f"activation code {code['activation_code']} (valid {code['expires_in_days']} days)")


def _activation_code(account_id: str) -> dict:
    url = _service_url("identity")
    response = httpx.post(
        f"{url}/accounts/{account_id}/activation-code",
        headers={"Authorization": f"Bearer {_token()}"},
        timeout=30,
    )
    if response.status_code != 200:
        raise click.ClickException(f"no activation code ({response.status_code}): {response.text}")
    return response.json()


@staff.command("activate")
@click.argument("login")
@click.option("--code", prompt="Activation code", hide_input=True)
@click.option("--password-file", type=click.File(), help="Read the new password from this file.")
@click.option(
    "--totp-secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Staff: keep the authenticator's secret in this file (readable by you only) instead "
    "of printing it for your authenticator app.",
)
def activate(login: str, code: str, password_file, totp_secret_file: Path | None) -> None:
    """Set the password of LOGIN with the activation code an administrator gave you; staff
    also get the secret of their authenticator app (shown once)."""
    password = (
        password_file.read().strip()
        if password_file
        else click.prompt("New password", hide_input=True, confirmation_prompt=True)
    )
    response = httpx.post(
        f"{_service_url('identity')}/activation",
        json={"login": login, "activation_code": code, "password": password},
        timeout=30,
    )
    if response.status_code != 200:
        raise click.ClickException(f"refused ({response.status_code}): {response.text}")
    second_factor = response.json().get("second_factor")
    if second_factor and totp_secret_file:
        replace_private(totp_secret_file, second_factor["secret"])
        click.echo(f"authenticator secret kept in {totp_secret_file}")
        login_line = f"mutualis staff login {login} --totp-secret-file {totp_secret_file}"
    elif second_factor:
        click.echo("add this to your authenticator app (shown once):")
        click.echo(f"  {second_factor['provisioning_uri']}")
        click.echo(f"  secret {second_factor['secret']}")
        login_line = f"mutualis staff login {login}"
    else:
        login_line = f"mutualis staff login {login}"
    click.echo(f"password set: {login_line}")


@staff.command("whoami")
def whoami() -> None:
    """Who the commands you send are from: your account, role, how you logged in, and until
    when the session's access token is valid (it is refreshed as needed)."""
    from datetime import UTC, datetime

    claims = _session().claims
    until = datetime.fromtimestamp(claims["exp"], UTC)
    click.echo(
        f"account {claims['sub']}, role {claims['role']}, logged in with "
        f"{'/'.join(claims.get('amr', []))}; access token valid until {until:%Y-%m-%d %H:%M %Z}"
    )


@staff.command("logout")
def logout() -> None:
    """Forget the session's tokens."""
    from mutualis import session

    session.default_path().unlink(missing_ok=True)


@staff.command("send", epilog=catalogue.help_text())
@click.argument("service")
@click.argument("command")
@click.argument("payload")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the outcome.")
def send(service: str, command: str, payload: str, timeout: float) -> None:
    """Send COMMAND with its JSON PAYLOAD (an object of the command's fields) to SERVICE, as the
    logged-in user, and print the outcome as JSON. Exits 1 when the command is rejected, 2 when
    no outcome arrives in time.

    \b
    The commands of each service, {their fields, [optional]} and who may send them:
    """
    from mutualis.staff import send_command

    if service not in catalogue.CONTRACTS:
        known = ", ".join(catalogue.CONTRACTS)
        raise click.BadParameter(f"no service {service!r}; one of: {known}", param_hint="SERVICE")
    if command not in catalogue.commands_of(service):
        known = ", ".join(sorted(catalogue.commands_of(service)))
        raise click.BadParameter(
            f"{service} takes no {command!r}; it takes: {known}", param_hint="COMMAND"
        )
    try:
        body = json.loads(payload)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="PAYLOAD") from None
    if not isinstance(body, dict):
        raise click.BadParameter(
            'a JSON object of the command\'s fields, e.g. \'{"file_number": "2026-000001"}\'',
            param_hint="PAYLOAD",
        )
    sender = _sender()
    try:
        outcome = asyncio.run(
            send_command(KafkaSettings(), service, command, body, sender, timeout, _clock())
        )
    except TimeoutError:
        click.echo(json.dumps({"status": "timeout", "seconds": timeout}))
        sys.exit(2)
    except LookupError as error:
        click.echo(json.dumps({"status": "error", "reason": str(error)}))
        sys.exit(2)
    click.echo(outcome.model_dump_json(indent=2))
    sys.exit(0 if outcome.status == "accepted" else 1)


def _clock_file() -> Path:
    settings = ServiceSettings(name="clock")
    # Where `make run` points its processes unless told otherwise.
    return settings.clock_file or (settings.data_dir / "clock").resolve()


def _clock():
    """The system's time: the machine's, moved on as `mutualis clock advance` moved it."""
    from shared.clock import ShiftedClock

    return ShiftedClock(_clock_file())


def _session():
    from mutualis import session

    try:
        return session.current(session.default_path(), _clock())
    except session.NotLoggedIn as refusal:
        raise click.ClickException(str(refusal)) from None


def _token() -> str:
    return _session().access_token


def _sender():
    from mutualis.staff import Sender

    current = _session()
    return Sender(current.access_token, current.key)


@main.group()
def clock() -> None:
    """The time of a running system started with MUTUALIS_CLOCK_FILE (tests and demos)."""


@clock.command("advance")
@click.argument("days", type=click.FloatRange(min=0, min_open=True))
def clock_advance(days: float) -> None:
    """Move the time of every process of the local system on by DAYS (deadlines fall due as if
    they had passed). Time only moves forward: timers already fired stay fired."""
    from datetime import timedelta

    from shared.clock import ShiftedClock

    shift = ShiftedClock.advance(_clock_file(), timedelta(days=days))
    click.echo(f"the system's time is {shift} ahead: {_clock().now():%Y-%m-%d %H:%M %Z}")


@clock.command("show")
def clock_show() -> None:
    """The local system's time, and how far it is ahead of the machine's."""
    from datetime import timedelta

    path = _clock_file()
    shift = timedelta(seconds=float(path.read_text() or 0) if path.exists() else 0)
    click.echo(f"{_clock().now():%Y-%m-%d %H:%M:%S %Z} ({shift} ahead of the machine's)")


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("seed")
def demo_seed() -> None:
    """Enrol demo households (as the logged-in member services or admin user) and list their
    persons, children on both sides of each age boundary of the access policies."""

    from mutualis import demo as data
    from mutualis.staff import send_command
    from shared.reference import load_federation

    sender, clock = _sender(), _clock()
    kafka, today = KafkaSettings(), clock.now().date()

    async def send(command: str, payload: dict):
        return await send_command(kafka, "dossier", command, payload, sender, 30, clock)

    outcomes = asyncio.run(data.seed(send, load_federation(ToolSettings().federation), today))
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


@demo.command("certificates")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def demo_certificates(file: Path) -> None:
    """Write the sample file of care certificates for today's demo households (CSV, as
    `mutualis payments import` reads it): one line is for nobody the fund knows and is refused."""
    from mutualis import demo as data
    from mutualis.importing import write_csv

    rows = data.certificates(_clock().now().date())
    write_csv(file, rows)
    click.echo(f"{len(rows)} certificates written to {file}")


@demo.command("hospital-claim")
@click.argument("national_register_number")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def demo_hospital_claim(national_register_number: str, file: Path) -> None:
    """Write a hospital invoice of the person (three nights in a single room ending yesterday,
    on the system's clock) as the payload of payments' FileHospitalClaim, for `mutualis staff
    send payments FileHospitalClaim "$(cat FILE)"`."""
    from mutualis import demo as data
    from shared.contracts.hospital import FileHospitalClaim

    claim = data.hospital_claim(national_register_number, _clock().now().date())
    FileHospitalClaim.model_validate(claim)  # the payload payments will take
    file.write_text(json.dumps(claim, indent=2))
    click.echo(f"claim {claim['claim_id']} written to {file}")


@demo.command("statement")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def demo_statement(file: Path) -> None:
    """Write a bank statement (camt.053) of the fund's account paying the open invoices of the
    demo households from their accounts, and one credit from a stranger without a reference,
    for `mutualis einvoicing import-statement` (as member services: the invoices are read)."""
    from mutualis import demo as data
    from mutualis.bank_statements import Transfer, camt053
    from services.einvoicing.config import einvoicing_settings

    headers = {"Authorization": f"Bearer {_token()}"}
    now = _clock().now()
    transfers = []
    for booklet_id, account in data.ACCOUNTS.items():
        persons = httpx.get(f"{_service_url('dossier')}/booklets/{booklet_id}", headers=headers)
        persons.raise_for_status()
        [holder] = [p for p in persons.json() if p["role"] == "holder"]
        invoices = httpx.get(
            f"{_service_url('einvoicing')}/persons/{holder['person_id']}/invoices",
            params={"status": "open"},
            headers=headers,
        )
        invoices.raise_for_status()
        name = f"{holder['first_name']} {holder['last_name']}"
        transfers += [
            Transfer(
                f"DEMO-{i['number']}",
                Decimal(i["balance"]),
                now.date(),
                name,
                account,
                communication=i["communication"],
            )
            for i in invoices.json()
        ]
    stranger = Transfer(
        "DEMO-GIFT",
        Decimal("25.00"),
        now.date(),
        "J. Onbekend",
        "BE71096123456769",
        text="bijdrage",
    )
    statement = camt053(
        f"DEMO-{now:%Y%m%d%H%M%S}", einvoicing_settings().creditor_iban, now, [*transfers, stranger]
    )
    file.write_bytes(statement)
    click.echo(f"{len(transfers) + 1} credits written to {file}")


@staff.command("complaints-report")
@click.argument("start", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("end", type=click.DateTime(["%Y-%m-%d"]))
def complaints_report(start, end) -> None:
    """CMP-9: complaints received from START to END (YYYY-MM-DD) per category and outcome, and
    the recommendations recorded, as the logged-in complaints handler sees them."""
    token = _token()
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
def einvoicing() -> None:
    """Premium invoices and the payments that settle them (staff only)."""


@einvoicing.command("import-statement")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for a batch.")
def einvoicing_import_statement(file: Path, as_json: bool, timeout: float) -> None:
    """Import the fund's bank statement FILE (camt.053): each credit is matched to its invoice
    by its structured communication, or by amount and payer account, or left for a handler
    with the reason (INV-8). Importing a file twice changes nothing. Exits 1 when a credit
    needs a handler or an entry could not be read."""
    from mutualis.statements import import_statement
    from services.einvoicing.domain.bank_statement import MalformedStatement

    try:
        report = asyncio.run(import_statement(KafkaSettings(), file, _sender(), _clock(), timeout))
    except MalformedStatement as error:
        raise click.ClickException(f"{file}: {error}") from None
    except (TimeoutError, LookupError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        outcomes = ", ".join(
            f"{n} {o.replace('_', ' ')}" for o, n in sorted(report.outcomes.items())
        )
        click.echo(
            f"{report.credits} credits: {outcomes or 'none new'}; "
            f"{report.recorded_before} recorded before"
        )
        for statement, entry, reason in report.to_handle:
            click.echo(f"  {statement} {entry}: {reason}")
        for statement, position, reason in report.not_read:
            click.echo(f"  {statement} entry {position} not read: {reason}")
    if report.to_handle or report.not_read:
        sys.exit(1)


@main.group()
def payments() -> None:
    """Care certificates in, payment runs out (staff only)."""


@payments.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for a batch.")
def payments_import(file: Path, as_json: bool, timeout: float) -> None:
    """Import the care certificates of FILE (CSV with a header, or JSON Lines; the fields of
    RecordCareCertificate's certificate), as the logged-in member of staff. Prints what was
    reimbursed, what was recorded before (importing a file twice changes nothing) and every
    refused line with its reason. Exits 1 when a line was refused."""
    from mutualis.importing import import_file

    sender = _sender()
    total = sum(1 for _ in file.open(encoding="utf-8-sig"))
    with click.progressbar(length=total, label="certificates", file=sys.stderr) as bar:
        try:
            report = asyncio.run(
                import_file(KafkaSettings(), file, sender, _clock(), bar.update, timeout=timeout)
            )
        except (TimeoutError, LookupError) as error:
            raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(
            f"{report.lines} lines: {report.reimbursed} reimbursed, "
            f"{report.already_recorded} recorded before, {len(report.refused)} refused"
        )
        for line in report.as_dict()["refused"]:
            certificate = f" ({line['certificate_id']})" if line["certificate_id"] else ""
            click.echo(f"  line {line['line']}{certificate}: {line['reason']}")
    sys.exit(1 if report.refused else 0)


@main.group()
def monitor() -> None:
    """Watch the event streams and monitoring's figures (staff only)."""


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
    click.echo(json.dumps(_monitoring("/complaints"), indent=2))


@monitor.command()
def privacy() -> None:
    """The privacy requests not answered yet (DOS-12): each one's due day, overdue first."""
    click.echo(json.dumps(_monitoring("/privacy-requests"), indent=2))


@monitor.command("payments")
def monitor_payments() -> None:
    """The money: the latest payment runs, the total paid, payments waiting for a bank account,
    and the households past their MAF ceiling per year."""
    click.echo(json.dumps(_monitoring("/payments"), indent=2))


@monitor.command()
def invoices() -> None:
    """The invoices: issued and paid per month, those open past their due date, and the
    credits of the fund's account that matched no invoice."""
    click.echo(json.dumps(_monitoring("/invoices"), indent=2))


@monitor.command()
def counts() -> None:
    """Events seen per service and type."""
    click.echo(json.dumps(_monitoring("/counts"), indent=2))


@monitor.command()
def lag() -> None:
    """Messages each consumer group still has to read, per topic."""
    click.echo(json.dumps(_monitoring("/lag"), indent=2))


def _monitoring(path: str) -> dict:
    """Monitoring's figures at `path`, as the logged-in staff member (monitoring is for staff
    only)."""
    from mutualis.monitor import Refused, figures

    token = _token()
    url = _service_url("monitoring")
    try:
        return figures(url, path, token)
    except httpx.HTTPError as error:
        raise click.ClickException(f"monitoring does not answer on {url}: {error}") from None
    except Refused as refusal:
        raise click.ClickException(str(refusal)) from None


@main.group()
def projections() -> None:
    """Read models."""


@projections.command()
@click.argument("service")
@click.argument("name")
def rebuild(service: str, name: str) -> None:
    """Drop projection NAME of SERVICE and rebuild it from position 0."""
    from mutualis.launcher import built_services
    from shared.service import Runtime

    if service not in built_services():
        known = ", ".join(built_services())
        raise click.BadParameter(f"no service {service!r}; one of: {known}", param_hint="SERVICE")
    definition = importlib.import_module(f"services.{service}.app").definition
    names = [p.name for p in definition.projections()]
    if name not in names:
        known = ", ".join(names) or "none"
        raise click.BadParameter(
            f"{service} has no projection {name!r}; its projections: {known}", param_hint="NAME"
        )
    runtime = Runtime(definition, ServiceSettings.for_service(service))

    async def go() -> int:
        try:
            await runtime.database.migrate(*definition.migrations)
            return await runtime.projector.rebuild(name)
        finally:
            await runtime.database.dispose()

    click.echo(json.dumps({"projection": name, "events": asyncio.run(go())}))


@main.group()
def trust() -> None:
    """The trust root and the services' producer credentials (see shared/trust.py)."""


def _trust_folder(folder: Path | None) -> Path:
    return folder or ServiceSettings(name="trust").trust_folder


_FOLDER = click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the trust material is kept [default: MUTUALIS_TRUST_DIR, else data/trust].",
)


@trust.command("init")
@_FOLDER
def trust_init(folder: Path | None) -> None:
    """Make a trust root (unless there is one) and a credential for every service lacking one."""
    from mutualis.launcher import SERVICES
    from shared import trust as trust_material

    folder = _trust_folder(folder)
    trust_material.init(folder, SERVICES)
    click.echo(f"trust root and producer credentials in {folder}")


@trust.command("issue")
@click.argument("service")
@_FOLDER
def trust_issue(service: str, folder: Path | None) -> None:
    """(Re)issue SERVICE's producer credential, signed by the root kept in the folder."""
    from shared import trust as trust_material

    path = trust_material.issue(_trust_folder(folder), service)
    click.echo(f"{service}'s credential: {path} (give it to {service} only)")


@main.group()
def contracts() -> None:
    """Integration contracts."""


@contracts.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export(folder: Path) -> None:
    """Write the JSON Schema of every event and command, and the AsyncAPI document of every
    service, to FOLDER."""
    from mutualis.launcher import built_services
    from shared.messaging.asyncapi import document
    from shared.settings import KafkaSettings

    services = built_services()
    folder.mkdir(parents=True, exist_ok=True)
    for kind, registry in (("events", events), ("commands", commands)):
        for name, schema in registry.json_schemas().items():
            (folder / f"{kind}.{name}.json").write_text(json.dumps(schema, indent=2))
    for service in services:
        definition = importlib.import_module(f"services.{service}.app").definition
        spec = document(definition, KafkaSettings())
        (folder / f"asyncapi.{service}.json").write_text(json.dumps(spec, indent=2))
    click.echo(
        f"wrote {len(events.names()) + len(commands.names())} schemas and "
        f"{len(services)} AsyncAPI documents to {folder}"
    )


if __name__ == "__main__":
    main()
