"""The identity service, wired."""

from pathlib import Path

from services.identity.adapters import totp
from services.identity.adapters.tokens import ensure_signing_key
from services.identity.api import (
    accounts,
    activation,
    own_access,
    passwordless_logins,
    registration_codes,
)
from services.identity.api import mandates as mandate_routes
from services.identity.handlers import access_decisions, mandates, personal_data
from services.identity.handlers import accounts as account_commands
from services.identity.handlers.bootstrap import ensure_admin
from services.identity.wiring import wire, wired
from shared import access
from shared.eventstore.database import Migrations
from shared.messaging.commands import CommandContext
from shared.messaging.consumer import Subscription
from shared.privacy import exports
from shared.service import Runtime, ServiceDefinition


async def _bootstrap(runtime: Runtime) -> None:
    identity = wired(runtime)
    settings = identity.settings
    password, totp_secret = settings.bootstrap_admin_password, settings.bootstrap_admin_totp_secret

    async def start(ctx: CommandContext) -> None:
        await ensure_signing_key(ctx.uow, identity.kek)
        await totp.wrap_secrets_in_clear(ctx.uow)
        if password and totp_secret:  # both or neither (config.py)
            secrets = password.get_secret_value(), totp_secret.get_secret_value()
            await ensure_admin(ctx.uow, ctx.aggregates, *secrets)

    # The operator's action, nobody's: its events have no actor.
    await runtime.bus.perform("StartIdentity", None, start)


definition = ServiceDefinition(
    name="identity",
    command_handlers={**account_commands.HANDLERS, **mandates.HANDLERS},
    migrations=[
        Migrations(Path(__file__).parent / "migrations", "alembic_version_identity"),
        access.MIGRATIONS,
        exports.MIGRATIONS,
    ],
    # Identity guards its own member routes like every service: from its access projection;
    # who may register (ID-1) and who may see whom (ID-7) it learns from the dossier.
    subscriptions=[
        access.subscription(),
        Subscription("members", ["dossier"], access_decisions.apply_dossier_event),
        exports.subscription("identity", personal_data.part_of),
    ],
    timer_handlers={access_decisions.TIMER: access_decisions.on_timer, **exports.HANDLERS},
    wiring=wire,
    on_start=_bootstrap,
    routers=[
        accounts.router,
        registration_codes.router,
        passwordless_logins.router,
        own_access.router,
        activation.router,
        mandate_routes.router,
    ],
)
