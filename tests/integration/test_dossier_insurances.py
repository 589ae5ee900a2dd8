"""DOS-8 (seed 003): in a running dossier, on SQLite and PostgreSQL with a real broker, member
services record that a person joins a Neutra insurance, switches product and leaves, with staff
commands over Kafka; the member reads the insurances of her own person with their waiting
periods as of the service's clock, and learns nothing of another's."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from services.dossier.app import definition as dossier_service
from shared.clock import brussels_day
from shared.contracts import CommandOutcome
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually

ELS = facts.insz(date(1985, 7, 30), 33)
JAN = facts.insz(date(1985, 7, 30), 45)


@pytest.fixture
async def dossier(database_url, kafka, signer, clock):
    async with running(dossier_service, database_url, kafka, clock) as runtime:
        await signer.known_by(runtime)
        yield runtime


async def staff(signer, command: str, payload: dict) -> CommandOutcome:
    return await signer.send("dossier", command, payload, "member_services")


async def enrolled(signer, national_register_number: str, first_name: str) -> str:
    booklet_id = str(uuid.uuid4())
    holder = facts.person(national_register_number, first_name=first_name)
    enrol = {"booklet_id": booklet_id, "holder": holder.model_dump(mode="json")}
    assert (await staff(signer, "EnrolMember", enrol)).status == "accepted"
    return booklet_id


async def test_dos8_a_member_joins_neutra_confort_switches_to_top_and_leaves(
    dossier, signer, clock
):
    els_booklet = await enrolled(signer, ELS, "Els")
    jan_booklet = await enrolled(signer, JAN, "Jan")
    els, jan = await facts.person_id_in(dossier, ELS), await facts.person_id_in(dossier, JAN)
    await signer.announce_member(dossier, "els", ELS, els)
    person = {"booklet_id": els_booklet, "national_register_number": ELS}
    today = brussels_day(clock.now())
    first_of_next_month = today + relativedelta(months=1, day=1)

    joined = await staff(
        signer, "SubscribeToInsurance", person | {"product": "confort", "received_on": str(today)}
    )
    assert joined.status == "accepted", joined.reason
    jans = {"booklet_id": jan_booklet, "national_register_number": JAN, "product": "top"}
    await staff(signer, "SubscribeToInsurance", jans | {"received_on": str(today)})

    async def shown(path: str, count: int = 1):
        async with client(dossier) as api:
            response = await api.get(path, headers=bearer(signer.token("member", "els")))
        return response if response.status_code != 200 or len(response.json()) >= count else None

    insurances = await eventually(lambda: shown(f"/persons/{els}/insurances"))
    [confort] = insurances.json()
    assert confort["product"] == "confort" and confort["name"] == "Neutra Confort"
    assert confort["starts_on"] == str(first_of_next_month) and confort["ends_on"] is None
    waiting = {period["kind"]: period for period in confort["waiting_periods"]}
    assert waiting["accident"]["ends_on"] == str(first_of_next_month)
    six_months = first_of_next_month + relativedelta(months=6)
    assert waiting["illness"]["ends_on"] == str(six_months)
    assert not waiting["illness"]["over"]
    pregnancy_steps = [(s["from_on"], s["product"]) for s in waiting["pregnancy"]["steps"]]
    assert pregnancy_steps == [
        (str(first_of_next_month + relativedelta(months=6)), "plus"),
        (str(first_of_next_month + relativedelta(months=9)), "confort"),
    ]
    others = await shown(f"/persons/{jan}/insurances")
    assert others.status_code == 404 and others.json()["code"] == "no_such_person"

    # Seven months on, Els switches to Top: Confort ends with the month, Top continues it and
    # waits only for what Top covers beyond Confort.
    clock.advance(timedelta(days=215))
    later = brussels_day(clock.now())
    switched = await staff(
        signer, "SubscribeToInsurance", person | {"product": "top", "received_on": str(later)}
    )
    assert switched.status == "accepted", switched.reason
    top, ended_confort = (await eventually(lambda: shown(f"/persons/{els}/insurances", 2))).json()
    end_of_month = later + relativedelta(day=31)
    assert ended_confort["product"] == "confort" and ended_confort["ends_on"] == str(end_of_month)
    assert top["product"] == "top" and top["starts_on"] == str(end_of_month + timedelta(days=1))
    assert top["earlier_cover"] == {
        "level": "confort",
        "starts_on": str(first_of_next_month),
        "ends_on": str(end_of_month),
    }
    illness = next(p for p in top["waiting_periods"] if p["kind"] == "illness")
    assert [(s["product"]) for s in illness["steps"]] == ["confort", "top"]
    assert "earlier cover" in illness["steps"][0]["why"]

    # The same product again, leaving before Top starts, or a person not on the booklet: refused,
    # with why.
    again = await staff(
        signer, "SubscribeToInsurance", person | {"product": "top", "received_on": str(later)}
    )
    assert again.status == "rejected" and "holds Neutra Top already" in again.reason
    leaves = await staff(signer, "EndInsurance", person | {"received_on": str(later)})
    assert leaves.status == "rejected" and "not started yet" in leaves.reason
    stranger = {"booklet_id": els_booklet, "national_register_number": JAN}
    unknown = await staff(signer, "EndInsurance", stranger | {"received_on": str(later)})
    assert unknown.status == "rejected" and "no such person" in unknown.reason


async def test_dos8_leaving_ends_the_cover_with_the_month_and_a_second_leave_is_refused(
    dossier, signer, clock
):
    booklet = await enrolled(signer, ELS, "Els")
    person = {"booklet_id": booklet, "national_register_number": ELS}
    today = brussels_day(clock.now())
    none_yet = await staff(signer, "EndInsurance", person | {"received_on": str(today)})
    assert none_yet.status == "rejected" and "holds no Neutra insurance" in none_yet.reason
    joined = await staff(
        signer, "SubscribeToInsurance", person | {"product": "base", "received_on": str(today)}
    )
    assert joined.status == "accepted", joined.reason
    # Before the cover starts there is nothing to end: the request is withdrawn instead.
    too_soon = await staff(signer, "EndInsurance", person | {"received_on": str(today)})
    assert too_soon.status == "rejected" and "not started yet" in too_soon.reason

    clock.advance(timedelta(days=40))
    later = brussels_day(clock.now())
    left = await staff(signer, "EndInsurance", person | {"received_on": str(later)})
    assert left.status == "accepted", left.reason
    els = await facts.person_id_in(dossier, ELS)
    await signer.announce_member(dossier, "els", ELS, els)

    async def ended():
        async with client(dossier) as api:
            response = await api.get(
                f"/persons/{els}/insurances", headers=bearer(signer.token("member", "els"))
            )
        rows = response.json()
        return rows if rows and rows[0]["ends_on"] else None

    [base] = await eventually(ended)
    assert base["ends_on"] == str(later + relativedelta(day=31))
    twice = await staff(signer, "EndInsurance", person | {"received_on": str(later)})
    assert twice.status == "rejected" and "ends already" in twice.reason
