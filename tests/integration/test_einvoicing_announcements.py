"""INV-5, INV-6 (seed 001): in a running einvoicing, on SQLite and PostgreSQL with a real broker,
an administrator announces maintenance and a change of the e-invoicing terms; a change less than
15 working days ahead is refused with the count; members read what is announced until the
maintenance is over."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from services.einvoicing.app import definition as einvoicing_service
from shared.clock import BRUSSELS, brussels_day
from shared.working_days import next_working_day
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually


def working_days_after(day: date, count: int) -> date:
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1))
    return day


async def test_inv5_inv6_maintenance_and_a_terms_change_15_working_days_ahead(
    database_url, kafka, signer, clock
):
    async with running(einvoicing_service, database_url, kafka, clock) as einvoicing:
        await signer.known_by(einvoicing)
        await signer.announce_member(einvoicing, "els", "85073003328", "p-els")
        today = brussels_day(clock.now())
        terms = {"terms_version": "2027-01", "summary_nl": "Nieuwe termijnen.", "summary_fr": "…"}

        too_soon = working_days_after(today, 14)
        early = await signer.send(
            "einvoicing", "AnnounceTermsChange", terms | {"takes_effect_on": str(too_soon)}
        )
        assert early.status == "rejected" and "is 14 working days away" in early.reason
        in_time = working_days_after(today, 15)
        announced = await signer.send(
            "einvoicing", "AnnounceTermsChange", terms | {"takes_effect_on": str(in_time)}
        )
        assert announced.status == "accepted", announced.reason
        night = datetime.combine(today + timedelta(days=2), time(22), BRUSSELS)
        maintenance = {
            "starts_at": night.isoformat(),
            "ends_at": (night + timedelta(hours=4)).isoformat(),
            "effect": "suspended",
            "message_nl": "Het portaal is onbeschikbaar.",
            "message_fr": "Le portail est indisponible.",
        }
        made = await signer.send("einvoicing", "AnnounceMaintenance", maintenance)
        assert made.status == "accepted", made.reason
        by_member = await signer.send(
            "einvoicing", "AnnounceMaintenance", maintenance, role="member_services"
        )
        assert by_member.status == "rejected"

        async def shown(count: int):
            async with client(einvoicing) as api:
                answer = await api.get(
                    "/announcements", headers=bearer(signer.token("member", "els"))
                )
            found = answer.json()
            return found if len(found) == count else None

        both = await eventually(lambda: shown(2))
        assert {a["kind"] for a in both} == {"maintenance", "terms"}
        clock.set(night + timedelta(hours=5))  # the maintenance is over
        [terms_left] = await eventually(lambda: shown(1))
        assert terms_left["takes_effect_on"] == str(in_time)
