"""Registration for the portal (ID-1): only a member, proved by a digital key (or, on My LM,
by a one-time code to the dossier's address, see codes.py), and with the accepted terms
(ID-2)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import insert, update

from services.identity.adapters.assertions import Assertion
from services.identity.adapters.credentials import Credentials
from services.identity.adapters.member_accounts import MemberAccounts
from services.identity.adapters.members import Members
from services.identity.adapters.passwords import hash_password
from services.identity.adapters.private_tables import registration_nonces
from services.identity.domain.accounts import Account
from services.identity.handlers.access_decisions import reconsider_person
from services.identity.handlers.saving import save_accounts
from shared.contracts import Actor
from shared.eventstore import UnitOfWork
from shared.identifiers import normalize_insz
from shared.messaging.commands import CommandContext
from shared.problems import Problem

NONCE_LIFETIME = timedelta(minutes=10)


async def issue_nonce(uow: UnitOfWork) -> str:
    nonce = secrets.token_urlsafe(24)
    await uow.conn.execute(
        insert(registration_nonces).values(
            nonce=nonce, expires_at=uow.clock.now() + NONCE_LIFETIME, used=False
        )
    )
    return nonce


async def spend_nonce(uow: UnitOfWork, nonce: str) -> bool:
    """True once for a nonce we issued that has not expired."""
    spent = await uow.conn.execute(
        update(registration_nonces)
        .where(
            registration_nonces.c.nonce == nonce,
            registration_nonces.c.used.is_(False),
            registration_nonces.c.expires_at > uow.clock.now(),
        )
        .values(used=True)
    )
    return spent.rowcount == 1


async def register(
    ctx: CommandContext, assertion: Assertion, login: str, password: str, terms_version: str
) -> str:
    """Creates the account of the person the assertion proves; returns its id."""
    if not await spend_nonce(ctx.uow, assertion.nonce):
        raise Problem(
            401, "nonce_spent", "the assertion's nonce is unknown, expired or used before"
        )
    national_register_number = normalize_insz(assertion.national_register_number)
    return await open_account(
        ctx, national_register_number, login, password, terms_version, assertion.method
    )


async def open_account(
    ctx: CommandContext,
    national_register_number: str,
    login: str,
    password: str,
    terms_version: str,
    verified_by: str,
) -> str:
    """The account of a member who proved who they are; returns its id. A refusal leaves
    everything as it was once the unit of work rolls back."""
    uow = ctx.uow
    member = await uow.view(Members).find(national_register_number)
    if member is None:
        raise Problem(
            403,
            "not_a_member",
            "only members can register: this national register number is on no booklet",
        )
    member_accounts = uow.view(MemberAccounts)
    if await member_accounts.account_of(member.person_id) is not None:
        raise Problem(409, "already_registered", "this person has a portal account already")
    logins = uow.view(Credentials)
    if await logins.account_of(login) is not None:
        raise Problem(409, "login_taken", f"login {login!r} is taken")
    account = Account.rebuild(ctx.derived_id("account"))
    account.register(login, "member", verified_by=verified_by, person_id=member.person_id)
    account.accept_terms(terms_version)
    await logins.add(login, account.account_id, await hash_password(password))
    await member_accounts.add(member.person_id, account.account_id)
    actor = Actor(account_id=account.account_id, role="member", authenticated_by=verified_by)
    await save_accounts(ctx.acting_as(actor), account)
    # With a password of their own, a dependant may now refuse the holder (ID-7): identity's
    # decision, not the member's, in the same command.
    await reconsider_person(uow, ctx.acting_as(None), member.person_id)
    return account.account_id
