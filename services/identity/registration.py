"""Registration for the portal (ID-1): only a member, proved by a digital key (or, on My LM,
by a one-time code to the dossier's address, see codes.py), and with the accepted terms
(ID-2)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from sqlalchemy import insert, select, update

from services.identity.access_decisions import reconsider_person
from services.identity.assertions import Assertion
from services.identity.domain.accounts import Account, stream_id
from services.identity.members import member
from services.identity.passwords import hash_password
from services.identity.secrets import credentials, national_register_logins, registration_nonces
from shared.contracts import Actor, new_id
from shared.contracts.identity import TermsAccepted
from shared.eventstore import PendingEvent, UnitOfWork
from shared.identifiers import normalize_insz
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
    uow: UnitOfWork, assertion: Assertion, login: str, password: str, terms_version: str
) -> str:
    """Creates the account of the person the assertion proves; returns its id."""
    if not await spend_nonce(uow, assertion.nonce):
        raise Problem(
            401, "nonce_spent", "the assertion's nonce is unknown, expired or used before"
        )
    national_register_number = normalize_insz(assertion.national_register_number)
    return await open_account(
        uow, national_register_number, login, password, terms_version, assertion.method
    )


async def open_account(
    uow: UnitOfWork,
    national_register_number: str,
    login: str,
    password: str,
    terms_version: str,
    verified_by: str,
) -> str:
    """The account of a member who proved who they are; returns its id. A refusal leaves
    everything as it was once the unit of work rolls back."""
    conn = uow.conn
    if await member(conn, national_register_number) is None:
        raise Problem(
            403,
            "not_a_member",
            "only members can register: this national register number is on no booklet",
        )
    has_account = await conn.scalar(
        select(national_register_logins.c.account_id).where(
            national_register_logins.c.national_register_number == national_register_number
        )
    )
    if has_account is not None:
        raise Problem(409, "already_registered", "this person has a portal account already")
    if await conn.scalar(select(credentials.c.account_id).where(credentials.c.login == login)):
        raise Problem(409, "login_taken", f"login {login!r} is taken")
    account_id = str(uuid.uuid4())
    registered = (
        Account(account_id)
        .register(login, "member")[0]
        .model_copy(
            update={
                "verified_by": verified_by,
                "national_register_number": national_register_number,
            }
        )
    )
    accepted = TermsAccepted(account_id=account_id, terms_version=terms_version)
    await conn.execute(
        insert(credentials).values(
            login=login, account_id=account_id, password_hash=await hash_password(password)
        )
    )
    await conn.execute(
        insert(national_register_logins).values(
            national_register_number=national_register_number, account_id=account_id
        )
    )
    pending = [PendingEvent(e, str(uuid.uuid4())) for e in (registered, accepted)]
    actor = Actor(account_id=account_id, role="member", authenticated_by=verified_by)
    await uow.append(stream_id(account_id), 0, pending, correlation_id=new_id(), actor=actor)
    # With a password of their own, a dependant may now refuse the holder (ID-7).
    await reconsider_person(uow, national_register_number)
    return account_id
