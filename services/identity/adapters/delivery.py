"""Delivering one-time codes through the shared senders (shared/notifying.py): by e-mail or
text message. A failed delivery is logged and never changes the answer the requester got."""

from __future__ import annotations

from services.identity.config import IdentitySettings
from services.identity.domain.one_time_codes import Channel, CodeMessage
from shared.logging import get_logger
from shared.notifying import Sender, Senders

log = get_logger(__name__)


def configured_senders(settings: IdentitySettings) -> Senders:
    return Senders.configured(settings)


async def deliver(sender: Sender, channel: Channel, to: str, message: CodeMessage) -> None:
    try:
        await sender.send(to, message)
    except Exception as error:  # noqa: BLE001 - the requester's answer is already given
        log.error("code.delivery_failed", channel=channel, error=type(error).__name__)
