"""INV-1, INV-3: the payer's choices of how invoices reach them: switched on when their portal
account is created (identity's event), changed by the member or member services."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.einvoicing.domain.delivery import FIELDS, InvoiceDelivery
from services.einvoicing.households import choices
from shared.access.persons import Persons
from shared.contracts import Event, EventEnvelope, events
from shared.contracts.einvoicing import ChangeInvoiceDelivery, InvoiceDeliveryChanged
from shared.contracts.identity import PortalAccountRegistered
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository
from shared.messaging.commands import CommandContext
from shared.refusal import Refused


async def apply_identity_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """INV-1: e-invoicing is on from the moment the member's portal account exists, on the
    channel their registration proved (a code by SMS; e-mail otherwise)."""
    if envelope.type != PortalAccountRegistered.type_name:
        return
    registered = events.decode(envelope)
    if registered.person_id is None:
        return  # a staff account
    aggregates = Repository.for_event(uow, envelope)
    delivery = await aggregates.get(InvoiceDelivery, registered.person_id)
    delivery.account_created("sms" if registered.verified_by == "sms_code" else "email")
    await aggregates.save(delivery)


async def change_invoice_delivery(command: ChangeInvoiceDelivery, ctx: CommandContext) -> None:
    if not await ctx.uow.view(Persons).may_act_on(ctx.actor, command.person_id):
        raise Refused("you may not act on this person's file")
    delivery = await ctx.aggregates.get(InvoiceDelivery, command.person_id)
    delivery.change(command, ctx.actor.role)
    await ctx.aggregates.save(delivery)


class DeliveryChoicesProjection:
    name = "delivery_choices"
    tables = (choices,)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case InvoiceDeliveryChanged(person_id=person_id):
                values = event.model_dump(include=set(FIELDS))
                where = choices.c.person_id == person_id
                if await conn.scalar(select(choices.c.person_id).where(where)) is None:
                    await conn.execute(insert(choices), {"person_id": person_id, **values})
                else:
                    await conn.execute(update(choices).where(where).values(**values))


HANDLERS = {ChangeInvoiceDelivery: change_invoice_delivery}
