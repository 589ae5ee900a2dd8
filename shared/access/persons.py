"""Whose file a user may see and act on: their own person, and the persons identity granted
them (ID-7), from this service's own access projection. Staff act on files by their role."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.access.read_model import accounts, grants
from shared.contracts import Actor


async def person_of(conn: AsyncConnection, account_id: str) -> str | None:
    """The national register number of the member the account belongs to."""
    return await conn.scalar(
        select(accounts.c.national_register_number).where(accounts.c.account_id == account_id)
    )


async def persons_of(conn: AsyncConnection, actor: Actor) -> set[str]:
    """The persons a member may act on: themselves and those granted to them."""
    own = await person_of(conn, actor.account_id)
    if own is None:
        return set()
    granted = await conn.scalars(select(grants.c.person).where(grants.c.holder == own))
    return {own, *granted}


async def may_act_on(conn: AsyncConnection, actor: Actor, person: str) -> bool:
    """Whether a member may act on the person's file; staff roles are checked by the command's
    allowed roles, not here."""
    if actor.role != "member":
        return True
    return person in await persons_of(conn, actor)
