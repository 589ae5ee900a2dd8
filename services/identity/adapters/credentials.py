"""The logins and their password hashes (private_tables.credentials) as the read-model adapter a
command handler reaches them through (`ctx.uow.view(Credentials)`), so that a handler's unit
test gives a fake instead."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.adapters.private_tables import credentials


class Credential(NamedTuple):
    account_id: str
    password_hash: str


class Credentials:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of_login(self, login: str) -> Credential | None:
        query = select(credentials.c.account_id, credentials.c.password_hash).where(
            credentials.c.login == login
        )
        row = (await self.conn.execute(query)).first()
        return Credential(row.account_id, row.password_hash) if row else None

    async def account_of(self, login: str) -> str | None:
        return await self.conn.scalar(
            select(credentials.c.account_id).where(credentials.c.login == login)
        )

    async def add(self, login: str, account_id: str, password_hash: str) -> None:
        await self.conn.execute(
            insert(credentials).values(
                login=login, account_id=account_id, password_hash=password_hash
            )
        )
