"""The invoices read model (INV-2, INV-8): each household's invoices with their lines, what is
still due, whether they are open and how many reminders went; and the credits of the fund's
account with what became of each, for the handlers of those that matched nothing."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import Event, EventEnvelope
from shared.contracts.einvoicing import (
    IncomingPaymentRecorded,
    InvoiceIssued,
    InvoicePaid,
    InvoicePaymentReceived,
    InvoiceReminded,
)

metadata = MetaData()
Money = Numeric(12, 2)

invoices = Table(
    "invoices",
    metadata,
    Column("invoice_id", String(80), primary_key=True),
    Column("number", String(10), nullable=False, unique=True),
    Column("communication", String(20), nullable=False),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("payer_person_id", String(64), nullable=False, index=True),
    Column("period", Date, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("total", Money, nullable=False),
    Column("balance", Money, nullable=False),  # still due
    Column("status", String(16), nullable=False),  # open | paid
    Column("provisional", Boolean, nullable=False),
    Column("electronic", Boolean, nullable=False),
    Column("reminders", Integer, nullable=False, default=0),
    Column("paid_on", Date),
    Column("lines", JSON, nullable=False),
    Column("supplements", String(10)),  # the number of the month's invoice it adds to
)

incoming_payments = Table(
    "incoming_payments",
    metadata,
    Column("entry_id", String(140), primary_key=True),
    Column("statement_id", String(140), nullable=False),
    Column("booked_on", Date, nullable=False),
    Column("amount", Money, nullable=False),
    Column("outcome", String(16), nullable=False, index=True),
    Column("invoice_number", String(10)),
    Column("matched_by", String(40)),
    Column("reason", String(1000), nullable=False),
    # Sealed under the credit in the event; a handler needs them to find the payer.
    Column("payer_name", String(140)),
    Column("payer_iban", String(34)),
)


class InvoicesProjection:
    name = "invoices"
    tables = (invoices, incoming_payments)

    async def apply(self, conn: AsyncConnection, envelope: EventEnvelope, event: Event) -> None:
        match event:
            case InvoiceIssued():
                row = event.model_dump(mode="json", exclude={"lines", "total"})
                await conn.execute(
                    insert(invoices),
                    row
                    | {
                        "period": event.period,
                        "issued_on": event.issued_on,
                        "due_on": event.due_on,
                        "total": event.total,
                        "balance": event.total,
                        "status": "open",
                        "reminders": 0,
                        "lines": [line.model_dump(mode="json") for line in event.lines],
                    },
                )
            case InvoicePaymentReceived(number=number, balance=balance):
                await _change(conn, number, balance=balance)
            case InvoicePaid(number=number, paid_on=paid_on):
                await _change(conn, number, status="paid", paid_on=paid_on)
            case InvoiceReminded(number=number, reminder=reminder):
                await _change(conn, number, reminders=reminder)
            case IncomingPaymentRecorded():
                values = event.model_dump(mode="python")
                await conn.execute(insert(incoming_payments), values)


async def _change(conn: AsyncConnection, number: str, **values) -> None:
    await conn.execute(update(invoices).where(invoices.c.number == number).values(**values))


class Invoices:
    """The invoices of payers, from this read model."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of_payers(self, person_ids: set[str], status: str | None = None) -> list[dict]:
        """Their invoices, the latest period first."""
        row = invoices.c
        query = select(invoices).where(row.payer_person_id.in_(person_ids))
        if status is not None:
            query = query.where(row.status == status)
        found = await self.conn.execute(query.order_by(row.period.desc(), row.number.desc()))
        return [invoice._asdict() for invoice in found]

    async def by_number(self, number: str) -> dict | None:
        found = await self.conn.execute(select(invoices).where(invoices.c.number == number))
        row = found.first()
        return row._asdict() if row else None

    async def incoming(self, outcome: str | None = None, limit: int = 200) -> list[dict]:
        """Credits of the fund's account, the latest first; `outcome="unmatched"` for those
        waiting for a handler."""
        row = incoming_payments.c
        query = select(incoming_payments)
        if outcome is not None:
            query = query.where(row.outcome == outcome)
        found = await self.conn.execute(query.order_by(row.booked_on.desc()).limit(limit))
        return [payment._asdict() for payment in found]
