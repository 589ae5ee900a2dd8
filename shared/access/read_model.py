"""The access projection each service keeps: identity's public signing keys, blocked users,
until when each account's tokens were revoked, whose person each account is, and which holders
identity lets act for which persons (ID-7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, MetaData, String, Table, Text, delete, insert, select, update

from shared.contracts import EventEnvelope, events
from shared.contracts.access import AccessGranted, AccessRevoked
from shared.contracts.identity import (
    AccessBlocked,
    AccessTokensRevoked,
    AccessUnblocked,
    PortalAccountClosed,
    PortalAccountRegistered,
    SigningKeyPublished,
)
from shared.eventstore import UnitOfWork
from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

signing_keys = Table(
    "access_signing_keys",
    metadata,
    Column("key_id", String(64), primary_key=True),
    Column("public_key_pem", Text, nullable=False),
)

blocked_accounts = Table(
    "access_blocked_accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("reason", String(64), nullable=False),
    Column("since", UtcDateTime, nullable=False),
)

# Every token of the account issued at or before `issued_until` is void (a password changed, a
# block, the account closed), whether or not the account is blocked now.
token_revocations = Table(
    "access_token_revocations",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("issued_until", UtcDateTime, nullable=False),
)

# A member's account and the person (id) it is; staff accounts are nobody's person.
accounts = Table(
    "access_accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
)

# Which holder may act for which person, both by person id.
grants = Table(
    "access_grants",
    metadata,
    Column("holder", String(64), primary_key=True),
    Column("person", String(64), primary_key=True),
)

APPLIED = {
    "SigningKeyPublished",
    "AccessBlocked",
    "AccessTokensRevoked",
    "AccessUnblocked",
    "PortalAccountClosed",
    "PortalAccountRegistered",
    "AccessGranted",
    "AccessRevoked",
}


async def apply_identity_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type not in APPLIED:
        return
    event = events.decode(envelope)
    conn = uow.conn
    match event:
        case SigningKeyPublished(key_id=key_id, public_key_pem=pem):
            known = await conn.scalar(
                select(signing_keys.c.key_id).where(signing_keys.c.key_id == key_id)
            )
            if known is None:
                await conn.execute(insert(signing_keys).values(key_id=key_id, public_key_pem=pem))
        case AccessBlocked(account_id=account_id, reason=reason):
            await _block(conn, account_id, reason, envelope.occurred_at)
        case PortalAccountClosed(account_id=account_id):
            await _block(conn, account_id, "account_closed", envelope.occurred_at)
        case AccessTokensRevoked(account_id=account_id):
            await _revoke_tokens(conn, account_id, envelope.occurred_at)
        case AccessUnblocked(account_id=account_id):
            await conn.execute(
                delete(blocked_accounts).where(blocked_accounts.c.account_id == account_id)
            )
        case PortalAccountRegistered(account_id=account_id, person_id=str(person_id)):
            await conn.execute(delete(accounts).where(accounts.c.account_id == account_id))
            await conn.execute(insert(accounts).values(account_id=account_id, person_id=person_id))
        case AccessGranted(holder=holder, person=person):
            await _revoke(conn, holder, person)
            await conn.execute(insert(grants).values(holder=holder, person=person))
        case AccessRevoked(holder=holder, person=person):
            await _revoke(conn, holder, person)


async def _revoke(conn, holder: str, person: str) -> None:
    await conn.execute(delete(grants).where(grants.c.holder == holder, grants.c.person == person))


async def _block(conn, account_id: str, reason: str, since) -> None:
    await conn.execute(delete(blocked_accounts).where(blocked_accounts.c.account_id == account_id))
    await conn.execute(
        insert(blocked_accounts).values(account_id=account_id, reason=reason, since=since)
    )


async def _revoke_tokens(conn, account_id: str, until: datetime) -> None:
    # The latest revocation voids all the earlier ones did; a late duplicate moves nothing back.
    known = await conn.scalar(
        select(token_revocations.c.issued_until).where(token_revocations.c.account_id == account_id)
    )
    if known is None:
        await conn.execute(
            insert(token_revocations).values(account_id=account_id, issued_until=until)
        )
    elif known < until:
        await conn.execute(
            update(token_revocations)
            .where(token_revocations.c.account_id == account_id)
            .values(issued_until=until)
        )
