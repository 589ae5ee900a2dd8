"""What identity builds once, from its own settings, for its routes and start-up: the settings
themselves, the key-encryption key its signing keys are wrapped with (read once: a missing KEK
stops the service before it takes work), the rate limits of this process and the channels one-
time codes go out through."""

from __future__ import annotations

from dataclasses import dataclass

from services.identity.adapters.delivery import configured_senders
from services.identity.api.rate_limits import Limits
from services.identity.config import IdentitySettings
from shared.keys import KeyEncryptionKey
from shared.notifying import Senders
from shared.service import Runtime


@dataclass(frozen=True)
class Identity:
    settings: IdentitySettings
    kek: KeyEncryptionKey
    limits: Limits
    senders: Senders


def wire(runtime: Runtime) -> Identity:
    settings = IdentitySettings()
    return Identity(
        settings=settings,
        kek=runtime.store.kek,
        limits=Limits(runtime.clock, settings),
        senders=configured_senders(settings),
    )


def wired(runtime: Runtime) -> Identity:
    """Identity's wiring of `runtime` (`ServiceDefinition.wiring`)."""
    assert isinstance(runtime.wiring, Identity), "not identity's runtime"
    return runtime.wiring
