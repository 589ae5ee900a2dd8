"""A household invoiced by a running einvoicing, for its integration tests: Els Peeters holds
booklet with her daughter Lotte, both on Neutra Confort from the first day of next month; the
billing run of that month invoices them (INV-7). Els has a portal account (INV-1)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from services.einvoicing.households import covers
from services.einvoicing.read_model import invoices
from shared.clock import BRUSSELS, brussels_day
from shared.service import Runtime
from tests.support import dossier as facts
from tests.support.waiting import eventually

ELS = facts.insz(date(1985, 7, 30), 33)
LOTTE = facts.insz(date(2012, 5, 15), 41)


@dataclass(frozen=True)
class Household:
    booklet_id: str
    els_id: str
    lotte_id: str
    period: date


async def staff(signer, service: str, command: str, payload: dict):
    sent = await signer.send(service, command, payload, "member_services")
    assert sent.status == "accepted", sent.reason
    return sent


async def enrolled(signer, booklet_id: str, holder, *dependants) -> None:
    enrol = {"booklet_id": booklet_id, "holder": holder.model_dump(mode="json")}
    await staff(signer, "dossier", "EnrolMember", enrol)
    for dependant in dependants:
        added = {"booklet_id": booklet_id, "dependant": dependant.model_dump(mode="json")}
        await staff(signer, "dossier", "AddDependant", added)


async def insured_household(
    dossier: Runtime, einvoicing: Runtime, signer, clock, product: str = "confort"
) -> Household:
    """Els and Lotte insured from next month, known to einvoicing; the clock still today."""
    booklet_id = str(uuid.uuid4())
    els = facts.person(ELS, first_name="Els", last_name="Peeters")
    lotte = facts.person(LOTTE, first_name="Lotte", birth_date=date(2012, 5, 15))
    await enrolled(signer, booklet_id, els, lotte)
    els_id, lotte_id = [await facts.person_id_in(dossier, n) for n in (ELS, LOTTE)]
    await signer.announce_member(einvoicing, "els", ELS, els_id)
    today = brussels_day(clock.now())
    for number in (ELS, LOTTE):
        person = {"booklet_id": booklet_id, "national_register_number": number}
        request = {"product": product, "received_on": str(today)}
        await staff(signer, "dossier", "SubscribeToInsurance", person | request)

    async def covers_known() -> bool:
        async with einvoicing.database.read() as conn:
            count = select(func.count()).select_from(covers)
            return await conn.scalar(count.where(covers.c.booklet_id == booklet_id)) == 2

    assert await eventually(covers_known), "einvoicing never learnt the covers"
    return Household(booklet_id, els_id, lotte_id, today + relativedelta(months=1, day=1))


def to_billing_day(clock, period: date) -> None:
    """The first day of the month, after the billing run's hour."""
    clock.set(datetime.combine(period, time(7, 0), BRUSSELS))


async def issued(einvoicing: Runtime, count: int) -> list:
    """The first `count` invoices by number, once there are so many."""
    async with einvoicing.database.read() as conn:
        rows = (await conn.execute(select(invoices).order_by(invoices.c.number))).all()
    return rows if len(rows) >= count else []
