"""A staff member's commands from the console, sent as `mutualis staff send` sends them: over
Kafka to the service's command topic, the payload sealed for the service's key of the moment,
with the proof that the staff member's session sends it (their access token, bound at login to
a key the portal keeps sealed in their session cookie)."""

from __future__ import annotations

import base64
from functools import cached_property

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mutualis.staff import Sender, send_command
from services.portal.backend import Backend
from services.portal.config import PortalSettings
from services.portal.session import Session
from shared.clock import Clock, ShiftedClock, SystemClock
from shared.contracts import CommandOutcome
from shared.contracts.registry import Command
from shared.trust import TrustRoot, load_root

# Refresh a little before the end, so a token does not expire on its way to the service.
MARGIN_S = 30


def new_command_key() -> tuple[Ed25519PrivateKey, str]:
    """A key for a staff session's tokens to be bound to, and how the session keeps it."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return key, base64.urlsafe_b64encode(raw).decode()


def claims(access_token: str) -> dict:
    """What the token says (its role chooses the pages offered, its subject is the staff
    member's account), read without checking: the services check it before they act."""
    return jwt.decode(access_token, options={"verify_signature": False})


class Commands:
    def __init__(self, settings: PortalSettings) -> None:
        self.settings = settings
        self.clock: Clock = (
            ShiftedClock(settings.clock_file) if settings.clock_file else SystemClock()
        )

    @cached_property
    def root(self) -> TrustRoot:
        return load_root(self.settings.trust_folder)

    async def send(
        self, backend: Backend, session: Session, service: str, command: Command
    ) -> CommandOutcome:
        """Sends `command` as the session's staff member and waits for its outcome. Raises
        LookupError or TimeoutError when the service does not answer."""
        key = Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(session.command_key))
        await self._fresh(backend, session)
        return await send_command(
            self.settings.kafka,
            service,
            command.type_name,
            command.model_dump(mode="json", exclude_none=True),
            Sender(session.access_token, key),
            self.settings.command_timeout_s,
            self.clock,
            self.root,
        )

    async def _fresh(self, backend: Backend, session: Session) -> None:
        """The session's access token refreshed when it has run out by the system's clock."""
        if claims(session.access_token)["exp"] - MARGIN_S > self.clock.now().timestamp():
            return
        refresh = {"refresh_token": session.refresh_token}
        tokens = (await backend.call("POST", "identity", "/token/refresh", json=refresh)).json()
        session.access_token, session.refresh_token = (
            tokens["access_token"],
            tokens["refresh_token"],
        )
