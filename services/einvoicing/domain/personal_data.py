"""Einvoicing's part of a person's copy (DOS-12), as its own records tell it: the person as it
invoices them (learnt from the dossier: name, address, birth date, language, their booklet and
role), the Neutra covers it invoices, each choice of how invoices reach them (INV-1, INV-3), and
the invoices of their household: those they pay in full, with every credit that paid them, each
reminder and each notice; those they are only insured on, with their own lines.

Another person's line on an invoice the person pays shows what the payer was asked: that
person's id, the product and the amount, not the age band it was read from. Pure: decoded
events and rows in, JSON out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.einvoicing.domain.billing import Cover
from shared.contracts import Event
from shared.contracts.einvoicing import (
    IncomingPaymentRecorded,
    InvoiceDeliveryChanged,
    InvoiceIssued,
    InvoiceLine,
    InvoiceNoticeSent,
    InvoicePaid,
    InvoicePaymentReceived,
    InvoiceReminded,
)

ADDRESS = ("street", "postal_code", "municipality", "country")


@dataclass(frozen=True)
class Held:
    """What einvoicing holds of one person: their row as it invoices them (None: it never
    learnt of them), their covers' rows, the choices of their invoice delivery as recorded
    (when, what), the streams of their household's invoices, and the credits those received,
    by entry id."""

    person_id: str
    invoiced_as: Mapping[str, Any] | None = None
    covers: Sequence[Cover] = ()
    delivery: Sequence[tuple[datetime, InvoiceDeliveryChanged]] = ()
    invoices: Sequence[Sequence[Event]] = ()
    credits: Mapping[str, IncomingPaymentRecorded] = field(default_factory=dict)


def part(held: Held) -> dict[str, Any]:
    """The part: empty when einvoicing holds nothing of the person."""
    invoices = [
        shown
        for stream in held.invoices
        if (shown := _invoice(held.person_id, stream, held.credits)) is not None
    ]
    shown = {
        "invoiced_as": _invoiced_as(held.invoiced_as) if held.invoiced_as else None,
        "insurances_invoiced": [
            {
                "product": cover.product.value,
                "starts_on": cover.starts_on.isoformat(),
                "ends_on": cover.ends_on.isoformat() if cover.ends_on else None,
            }
            for cover in sorted(held.covers, key=lambda c: c.starts_on)
        ],
        "invoice_delivery": [
            {"chosen_at": at.isoformat()}
            | changed.model_dump(mode="json", exclude={"person_id"}, exclude_none=True)
            for at, changed in held.delivery
        ],
        "invoices": sorted(invoices, key=lambda i: (i["period"], i["number"])),
    }
    return shown if any(shown.values()) else {}


def _invoiced_as(row: Mapping[str, Any]) -> dict[str, Any]:
    address = {name: row[name] for name in ADDRESS if row.get(name)}
    return {
        "booklet_id": row["booklet_id"],
        "role": row["role"],
        "name": row.get("name"),
        "birth_date": row["birth_date"].isoformat(),
        "language": row["language"],
        "address": address or None,
        "email": row.get("email"),
        "phone": row.get("phone"),
    }


def _invoice(
    person_id: str, stream: Sequence[Event], credits: Mapping[str, IncomingPaymentRecorded]
) -> dict[str, Any] | None:
    issued = next((e for e in stream if isinstance(e, InvoiceIssued)), None)
    if issued is None:
        return None
    pays = issued.payer_person_id == person_id
    lines = [_line(line, person_id) for line in issued.lines if pays or line.person_id == person_id]
    if not lines:
        return None
    shown: dict[str, Any] = {
        "number": issued.number,
        "period": issued.period.isoformat(),
        "issued_on": issued.issued_on.isoformat(),
        "you_pay_it": pays,
        "lines": lines,
    }
    if issued.supplements:
        shown["supplements"] = issued.supplements
    if not pays:
        return shown  # what the payer owes and pays is theirs
    paid = next((e for e in stream if isinstance(e, InvoicePaid)), None)
    received = [e for e in stream if isinstance(e, InvoicePaymentReceived)]
    return shown | {
        "communication": issued.communication,
        "due_on": issued.due_on.isoformat(),
        "total": str(issued.total),
        "electronic": issued.electronic,
        "provisional": issued.provisional,
        "balance": str(received[-1].balance if received else issued.total),
        "paid_on": paid.paid_on.isoformat() if paid else None,
        "payments_received": [_received(r, credits.get(r.entry_id)) for r in received],
        "reminders": [
            {"reminder": r.reminder, "sent_on": r.sent_on.isoformat(), "balance": str(r.balance)}
            for r in stream
            if isinstance(r, InvoiceReminded)
        ],
        "notices": [
            {"notice": n.notice, "sent": n.sent, "channel": n.channel, "reason": n.reason}
            for n in stream
            if isinstance(n, InvoiceNoticeSent)
        ],
    }


def _line(line: InvoiceLine, person_id: str) -> dict[str, Any]:
    shown = {
        "person_id": line.person_id,
        "kind": line.kind,
        "product": line.product.value,
        "amount": str(line.amount),
    }
    return shown | ({"basis": line.basis} if line.person_id == person_id else {})


def _received(
    received: InvoicePaymentReceived, credit: IncomingPaymentRecorded | None
) -> dict[str, Any]:
    shown = {
        "received_on": received.received_on.isoformat(),
        "amount": str(received.amount),
        "applied": str(received.applied),
        "to_refund": str(received.to_refund),
    }
    if credit is not None:
        shown |= {"from_account": credit.payer_iban, "from_name": credit.payer_name}
    return shown
