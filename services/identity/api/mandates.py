"""The person's say over the holder's access to their file, through the portal (ID-7), and the
persons a member may act on."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.identity.adapters.member_accounts import MemberAccounts
from shared.access.http import Authenticated, act
from shared.access.persons import Persons as AccessPersons
from shared.access.tokens import Principal
from shared.contracts.access import GiveAccessMandate, RefuseHolderAccess, WithdrawAccessMandate
from shared.problems import Problem, problems
from shared.service import Runtime


class Persons(BaseModel):
    person_ids: list[str]


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(prefix="/access", tags=["access to other persons"])

    @api.get("/persons", response_model=Persons)
    async def persons(principal: Authenticated) -> Persons:
        """Whose file the member may see and act on: their own, and those granted to them."""
        async with runtime.database.read() as conn:
            return Persons(person_ids=sorted(await AccessPersons(conn).persons_of(principal.actor)))

    @api.post("/mandate", status_code=204, responses=problems(403, 409))
    async def give_mandate(request: Request, principal: Authenticated) -> None:
        """The member lets the holder of their booklet act for them (e-Mut from 16, My LM from
        18)."""
        await act(request, principal, GiveAccessMandate(person=await _own(principal)))

    @api.delete("/mandate", status_code=204, responses=problems(403, 409))
    async def withdraw_mandate(request: Request, principal: Authenticated) -> None:
        await act(request, principal, WithdrawAccessMandate(person=await _own(principal)))

    @api.post("/refusal", status_code=204, responses=problems(403, 409))
    async def refuse(request: Request, principal: Authenticated) -> None:
        """The member refuses the holder access to their file: e-Mut, within a month of
        registering from 16; My LM, a registered minor."""
        await act(request, principal, RefuseHolderAccess(person=await _own(principal)))

    async def _own(principal: Principal) -> str:
        async with runtime.database.read() as conn:
            own = await MemberAccounts(conn).person_of(principal.account_id)
        if own is None:
            raise Problem(
                403, "not_a_member", "this account is no member's: nobody's file to decide about"
            )
        return own

    return api
