"""The administrators' accounts, listed in identity's own table as they register, so that
"one administrator stays usable" is decided over all of them at once (domain/accounts.py,
`leave_an_administrator`). Roles never change, so the list only grows; whether each is usable
its own stream says."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.domain.accounts import Account
from shared.eventstore import UnitOfWork
from shared.eventstore.repository import Repository

metadata = MetaData()

administrators = Table(
    "administrators",
    metadata,
    Column("account_id", String(64), primary_key=True),
)


class Administrators:
    """The list as a read-model adapter: a command handler reaches it through its unit of work
    (`ctx.uow.view(Administrators)`), a handler's unit test gives a fake."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def enrol(self, account_id: str) -> None:
        await self.conn.execute(insert(administrators).values(account_id=account_id))

    async def listed(self, excluding: str | None = None) -> list[str]:
        """Their account ids, `excluding` one. Whoever asks in order to take one out of use
        waits here for anyone else doing so: two admins blocking each other at once must not
        both succeed. (SQLite runs one writer at a time anyway; PostgreSQL reads what the other
        committed once the lock is released, statement by statement.)"""
        if self.conn.dialect.name == "postgresql":
            await self.conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('administrators'))")
            )
        query = select(administrators.c.account_id)
        if excluding is not None:
            query = query.where(administrators.c.account_id != excluding)
        return list(await self.conn.scalars(query))


async def usable_administrators(
    uow: UnitOfWork, aggregates: Repository, excluding: str | None = None
) -> int:
    """How many administrators, `excluding` one, can log in and act."""
    ids = await uow.view(Administrators).listed(excluding)
    return sum([(await aggregates.get(Account, account_id)).usable for account_id in ids])


async def others_usable(uow: UnitOfWork, aggregates: Repository, account: Account) -> int | None:
    """What blocking or closing `account` is decided on, if it is an administrator's: how many
    others are usable (None for any other account: nothing to count, nobody to wait for)."""
    if account.role != "admin":
        return None
    return await usable_administrators(uow, aggregates, excluding=account.account_id)
