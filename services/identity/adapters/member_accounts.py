"""Which member's account is which (private_tables.national_register_logins): the account a digital
key logs in to, and the person a member's account speaks for. A read-model adapter: a route
builds it on its connection, a command handler asks its unit of work for it
(`ctx.uow.view(MemberAccounts)`)."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.adapters.private_tables import national_register_logins

logins = national_register_logins.c


class MemberAccounts:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def person_of(self, account_id: str) -> str | None:
        """The national register number of the member whose account this is."""
        return await self.conn.scalar(
            select(logins.national_register_number).where(logins.account_id == account_id)
        )

    async def account_of(self, national_register_number: str) -> str | None:
        return await self.conn.scalar(
            select(logins.account_id).where(
                logins.national_register_number == national_register_number
            )
        )

    async def add(self, national_register_number: str, account_id: str) -> None:
        await self.conn.execute(
            insert(national_register_logins).values(
                national_register_number=national_register_number, account_id=account_id
            )
        )
