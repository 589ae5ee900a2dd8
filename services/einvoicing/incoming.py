"""INV-8: the credits of the fund's bank statements. Each is recorded once (its entry id),
matched to its invoice by the structured communication or by amount and payer account
(services/einvoicing/domain/payment_matching.py), and paid into the invoice, whose own state
says what is applied and what is to be refunded; what matches nothing waits for a handler with
the reason. An invoice paid in full stops its reminders."""

from __future__ import annotations

from decimal import Decimal

from services.einvoicing import reminders
from services.einvoicing.domain.bank_statement import Credit
from services.einvoicing.domain.billing import HouseholdInvoice
from services.einvoicing.domain.incoming import IncomingPayment
from services.einvoicing.domain.payment_matching import Outcome, match_statement
from services.einvoicing.domain.structured_communication import StructuredCommunication
from services.einvoicing.payables import Payables
from shared.contracts.einvoicing import (
    IncomingCredit,
    IncomingPaymentRecorded,
    RecordIncomingPayments,
)
from shared.messaging.commands import CommandContext


async def record_incoming_payments(command: RecordIncomingPayments, ctx: CommandContext) -> None:
    payables = ctx.uow.view(Payables)
    credits = [_credit(position, credit) for position, credit in enumerate(command.credits, 1)]
    matches = match_statement(credits, await payables.candidates(credits))
    for credit, match in zip(command.credits, matches, strict=True):
        incoming = await ctx.aggregates.get(IncomingPayment, credit.entry_id)
        if not incoming.is_new:
            continue  # a statement imported again
        outcome, number = match.outcome, None
        if match.invoice_id is not None:
            invoice = await ctx.aggregates.get(HouseholdInvoice, match.invoice_id)
            received = invoice.receive(credit.entry_id, credit.amount, credit.booked_on)
            outcome, number = (
                _outcome(received.applied, received.to_refund, received.balance),
                received.number,
            )
            await ctx.aggregates.save(invoice)
            if not received.balance:
                await reminders.stop(ctx.uow, received.number)
            if credit.payer_iban:
                await payables.learn_account(received.booklet_id, credit.payer_iban)
        incoming.recorded(
            IncomingPaymentRecorded(
                entry_id=credit.entry_id,
                statement_id=command.statement_id,
                booked_on=credit.booked_on,
                amount=credit.amount,
                outcome=outcome,
                invoice_number=number,
                matched_by=match.matched_by,
                reason=match.reason,
                payer_name=credit.payer_name,
                payer_iban=credit.payer_iban,
            )
        )
        await ctx.aggregates.save(incoming)


def _credit(position: int, credit: IncomingCredit) -> Credit:
    communication = (
        StructuredCommunication.parse(credit.communication) if credit.communication else None
    )
    return Credit(
        entry_id=credit.entry_id,
        position=position,
        booking_date=credit.booked_on,
        value_date=None,
        amount=credit.amount,
        payer_name=credit.payer_name,
        payer_iban=credit.payer_iban,
        creditor_reference=None,
        remittance_text=credit.remittance,
        communication=communication,
        communication_source="structured reference" if communication else None,
        remarks=credit.remarks,
    )


def _outcome(applied: Decimal, to_refund: Decimal, balance: Decimal) -> Outcome:
    if not applied:
        return "already_paid"
    if to_refund:
        return "overpaid"
    return "partly_paid" if balance else "paid"


HANDLERS = {RecordIncomingPayments: record_incoming_payments}
