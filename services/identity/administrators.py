"""The administrators' accounts, listed in identity's own table as they register, so that
"one administrator stays usable" is decided over all of them at once (domain/administrators.py).
Roles never change, so the list only grows; whether each is usable its own stream says."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, insert, select, text

from services.identity.domain.accounts import Account
from services.identity.domain.administrators import leave_an_administrator
from services.identity.journal import load_account
from shared.eventstore import UnitOfWork

metadata = MetaData()

administrators = Table(
    "administrators",
    metadata,
    Column("account_id", String(64), primary_key=True),
)


async def enrol(uow: UnitOfWork, account_id: str) -> None:
    await uow.conn.execute(insert(administrators).values(account_id=account_id))


async def usable_administrators(uow: UnitOfWork, excluding: str | None = None) -> int:
    """How many administrators, `excluding` one, can log in and act. Whoever asks in order to
    take one out of use waits here for anyone else doing so: two admins blocking each other at
    once must not both succeed. (SQLite runs one writer at a time anyway; PostgreSQL reads what
    the other committed once the lock is released, statement by statement.)"""
    if uow.conn.dialect.name == "postgresql":
        await uow.conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('administrators'))"))
    query = select(administrators.c.account_id)
    if excluding is not None:
        query = query.where(administrators.c.account_id != excluding)
    ids = list(await uow.conn.scalars(query))
    return sum([(await load_account(uow, account_id)).usable for account_id in ids])


async def keep_one_usable(uow: UnitOfWork, account: Account) -> None:
    """Refuses (AccountError) to block or close the last usable administrator."""
    if account.role == "admin":
        others = await usable_administrators(uow, excluding=account.account_id)
        leave_an_administrator(account, others)
