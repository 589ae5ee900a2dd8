"""One-time registration codes in identity's own table (ID-1, seed 001 art 4): hashed like a
password, valid for a few minutes, a few attempts, once. Whoever asks gets the same answer
after the same work, whether the person is known or not."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from services.identity.adapters.members import Member
from services.identity.adapters.passwords import hash_password, verify_password
from services.identity.adapters.private_tables import registration_codes
from services.identity.domain.one_time_codes import (
    CODE_LIFETIME,
    MAX_ATTEMPTS,
    Channel,
    new_code,
)
from shared.eventstore import UnitOfWork


@dataclass(frozen=True)
class Delivery:
    """A code to send, to the address the dossier holds."""

    to: str
    code: str


@dataclass(frozen=True)
class Proved:
    """A right code: who it was sent to, and how."""

    national_register_number: str
    channel: Channel


async def request_code(
    uow: UnitOfWork, person: Member | None, channel: Channel
) -> tuple[str, Delivery | None]:
    """A request id for the requester, and the code to send if the person is a member whose
    dossier holds an address for the channel."""
    request_id, code = secrets.token_urlsafe(24), new_code()
    code_hash = await hash_password(code)  # hashed for unknown people too: the same time
    to = person and (person.email if channel == "email" else person.phone)
    if not to:
        return request_id, None
    codes = registration_codes.c
    # One live code per person: asking again ends the earlier ones.
    await uow.conn.execute(
        update(registration_codes)
        .where(codes.national_register_number == person.national_register_number)
        .values(used=True)
    )
    await uow.conn.execute(
        insert(registration_codes).values(
            request_id=request_id,
            national_register_number=person.national_register_number,
            channel=channel,
            code_hash=code_hash,
            expires_at=uow.clock.now() + CODE_LIFETIME,
            attempts=0,
            used=False,
        )
    )
    return request_id, Delivery(to, code)


async def prove(uow: UnitOfWork, request_id: str, code: str) -> Proved | None:
    """Spends the code if it is right. Every attempt counts, right or wrong, so concurrent
    guesses share the limit; the caller commits a wrong attempt too."""
    codes = registration_codes.c
    counted = await uow.conn.execute(
        update(registration_codes)
        .where(
            codes.request_id == request_id,
            codes.used.is_(False),
            codes.attempts < MAX_ATTEMPTS,
            codes.expires_at > uow.clock.now(),
        )
        .values(attempts=codes.attempts + 1)
    )
    row = None
    if counted.rowcount == 1:
        query = select(registration_codes).where(codes.request_id == request_id)
        row = (await uow.conn.execute(query)).one()
    if not await verify_password(row.code_hash if row else None, code):
        return None
    await uow.conn.execute(
        update(registration_codes).where(codes.request_id == request_id).values(used=True)
    )
    return Proved(row.national_register_number, row.channel)
