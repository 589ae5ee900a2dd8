"""How a payer receives invoices (INV-1, INV-3): in the inbox or on paper, told or not when one
arrives, on which channel and at which address. E-invoicing goes on by itself when the member's
portal account is created, once: a member who chose paper afterwards keeps paper."""

from __future__ import annotations

from dataclasses import dataclass

from shared.aggregate import Aggregate
from shared.contracts.einvoicing import ChangeInvoiceDelivery, InvoiceDeliveryChanged
from shared.refusal import Refused

FIELDS = ("electronic", "notify", "channel", "email", "phone")


@dataclass
class InvoiceDelivery(Aggregate):
    person_id: str
    electronic: bool = False
    notify: bool = True
    channel: str = "email"
    email: str | None = None
    phone: str | None = None

    @classmethod
    def stream(cls, person_id: str) -> str:
        return f"invoice-delivery-{person_id}"

    def account_created(self, channel: str) -> None:
        """INV-1: the member's portal account exists: invoices to the inbox, notices on the
        channel their registration proved."""
        if not self.is_new:
            return  # a second account, or a choice made since: it stands
        self.record(
            InvoiceDeliveryChanged(
                person_id=self.person_id,
                electronic=True,
                notify=True,
                channel=channel,
                reason="portal account created: e-invoicing on (INV-1)",
            )
        )

    def change(self, command: ChangeInvoiceDelivery, by: str) -> None:
        now = {name: getattr(self, name) for name in FIELDS}
        asked = command.model_dump(include=set(FIELDS), exclude_none=True)
        if now | asked == now:
            raise Refused("nothing to change: invoices are delivered so already")
        self.record(
            InvoiceDeliveryChanged(person_id=self.person_id, **(now | asked), reason=f"by {by}")
        )

    def apply(self, event: InvoiceDeliveryChanged) -> None:
        for name in FIELDS:
            setattr(self, name, getattr(event, name))
