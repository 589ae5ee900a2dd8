"""What an incoming payment may pay (INV-8), from the invoices read model: the invoices its
structured communication names, and the open invoices of the households that paid from its
account before. A read-model adapter: the payment handler asks its unit of work for it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Column, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.einvoicing.domain.bank_statement import Credit
from services.einvoicing.domain.payment_matching import OpenInvoice
from services.einvoicing.domain.structured_communication import StructuredCommunication
from services.einvoicing.read_model import invoices

metadata = MetaData()

# The accounts each household paid an invoice from, by its structured communication: a later
# payment from one of them without a communication is matched by its amount.
household_accounts = Table(
    "household_accounts",
    metadata,
    Column("booklet_id", String(64), primary_key=True),
    Column("iban", String(34), primary_key=True, index=True),
)


class Payables:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def candidates(self, credits: Iterable[Credit]) -> list[OpenInvoice]:
        credits = list(credits)
        named = {str(c.communication) for c in credits if c.communication is not None}
        ibans = {c.payer_iban for c in credits if c.payer_iban}
        accounts = await self.conn.execute(
            select(household_accounts).where(household_accounts.c.iban.in_(ibans))
        )
        known: dict[str, set[str]] = {}
        for row in accounts:
            known.setdefault(row.booklet_id, set()).add(row.iban)
        row = invoices.c
        found = await self.conn.execute(
            select(invoices).where(
                row.communication.in_(named) | (row.booklet_id.in_(known) & (row.status == "open"))
            )
        )
        return [
            OpenInvoice(
                invoice_id=invoice.invoice_id,
                number=invoice.number,
                communication=StructuredCommunication.parse(invoice.communication),
                household=invoice.booklet_id,
                amount_due=invoice.balance,
                known_ibans=frozenset(known.get(invoice.booklet_id, ())),
            )
            for invoice in found
        ]

    async def learn_account(self, booklet_id: str, iban: str) -> None:
        where = (household_accounts.c.booklet_id == booklet_id, household_accounts.c.iban == iban)
        if await self.conn.scalar(select(household_accounts.c.iban).where(*where)) is None:
            await self.conn.execute(
                insert(household_accounts), {"booklet_id": booklet_id, "iban": iban}
            )
