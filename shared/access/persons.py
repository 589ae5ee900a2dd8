"""Whose file a user may see and act on: their own person, and the persons identity granted
them (ID-7), from this service's own access projection. Staff act on files by their role.

`Persons` is a read-model adapter: a route builds it on its connection, a handler asks its
unit of work for it (`ctx.uow.view(Persons)`), and a handler's unit test gives a fake."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.access.read_model import accounts, grants
from shared.contracts import Actor


class Persons:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def person_of(self, account_id: str) -> str | None:
        """The person id of the member the account belongs to."""
        return await self.conn.scalar(
            select(accounts.c.person_id).where(accounts.c.account_id == account_id)
        )

    async def persons_of(self, actor: Actor) -> set[str]:
        """The persons (ids) a member may act on: themselves and those granted to them."""
        own = await self.person_of(actor.account_id)
        if own is None:
            return set()
        granted = await self.conn.scalars(select(grants.c.person).where(grants.c.holder == own))
        return {own, *granted}

    async def may_act_on(self, actor: Actor, person: str) -> bool:
        """Whether a member may act on the person's file; staff roles are checked by the
        command's allowed roles, not here."""
        if actor.role != "member":
            return True
        return person in await self.persons_of(actor)
