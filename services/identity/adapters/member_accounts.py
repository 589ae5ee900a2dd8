"""Which member's account is which (private_tables.member_accounts): the account a digital key
logs in to, and the person a member's account speaks for. A read-model adapter: a route builds
it on its connection, a command handler asks its unit of work for it
(`ctx.uow.view(MemberAccounts)`)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.adapters.private_tables import member_accounts

accounts = member_accounts.c


class MemberAccounts:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def person_of(self, account_id: str) -> str | None:
        """The person id of the member whose account this is."""
        return await self.conn.scalar(
            select(accounts.person_id).where(accounts.account_id == account_id)
        )

    async def account_of(self, person_id: str) -> str | None:
        return await self.conn.scalar(
            select(accounts.account_id).where(accounts.person_id == person_id)
        )

    async def add(self, person_id: str, account_id: str) -> None:
        await self.conn.execute(
            insert(member_accounts).values(person_id=person_id, account_id=account_id)
        )

    async def remove(self, person_id: str) -> None:
        await self.conn.execute(delete(member_accounts).where(accounts.person_id == person_id))
