"""PAY-5, DOS-8 (seed 003): a running dossier and payments, on SQLite and PostgreSQL with a real
broker. Els joins Neutra Confort; a hospital stay in her waiting period is refused with the
reason, an accident on the first day of cover is not; a stay after the waiting period is paid
line by line exactly as the calculator says, shows in her history and is paid by the next
payment run (`PaymentMade`). Another member sees none of her claims."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from services.dossier.app import definition as dossier_service
from services.payments.app import definition as payments_service
from services.payments.covers import covers
from services.payments.domain.hospital import care as domain
from services.payments.domain.hospital.claims import decide_claim
from services.payments.domain.hospital.products import LineKind
from services.payments.domain.hospital.usage import YearUsage
from services.payments.hospital_read_model import hospital_claims
from services.payments.payment_runs import next_run_day
from shared.clock import brussels_day
from shared.contracts.insurance import Product
from shared.eventstore.schema import events as stored_events
from tests.support import dossier as facts
from tests.support.einvoicing import ELS, enrolled, staff
from tests.support.http import bearer, client
from tests.support.payments import run_payments
from tests.support.services import running
from tests.support.waiting import eventually

JAN = facts.insz(date(1990, 1, 1), 45)
ELS_ACCOUNT = "BE68539007547034"


def stay_claim(claim_id: str, admitted: date, nights: int = 3, **more) -> dict:
    """A stay in a single room: the room, the doctors' fees with their legal fee, pharmacy."""
    return {
        "claim_id": claim_id,
        "national_register_number": ELS,
        "filed_on": str(admitted + timedelta(days=20)),
        "care": {
            "kind": "hospital_stay",
            "admitted": str(admitted),
            "discharged": str(admitted + timedelta(days=nights)),
            "room": "single",
        },
        "lines": [
            {"kind": "room", "charged": "540.00", "ziv_paid": "120.00"},
            {"kind": "fees", "charged": "900.00", "ziv_paid": "300.00", "legal_fee": "300.00"},
            {"kind": "pharmacy_non_ziv", "charged": "80.00"},
        ],
        **more,
    }


async def decided(payments, claim_id: str) -> dict | None:
    """The decision as the read model shows it (the store keeps its health data sealed)."""
    async with payments.database.read() as conn:
        query = select(hospital_claims).where(hospital_claims.c.claim_id == claim_id)
        row = (await conn.execute(query)).first()
    return row._asdict() if row else None


async def usage_after(payments, claim_id: str) -> dict[int, YearUsage]:
    """The person's use of each year's limits after the claim, as its event carries it."""
    async with payments.database.read() as conn:
        rows = await conn.scalars(
            select(stored_events.c.payload).where(stored_events.c.type == "HospitalClaimDecided")
        )
        found = [row if isinstance(row, dict) else json.loads(row) for row in rows]
    [usage] = [claim["usage"] for claim in found if claim["claim_id"] == claim_id]
    return {int(year): YearUsage(**used) for year, used in usage.items()}


async def test_pay5_a_confort_claim_is_refused_in_the_waiting_period_and_paid_after_it(
    new_database, kafka, signer, clock
):
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(payments_service, await new_database("payments"), kafka, clock) as payments,
    ):
        await signer.known_by(dossier)
        await signer.known_by(payments)
        booklet = str(uuid.uuid4())
        await enrolled(signer, booklet, facts.person(ELS, first_name="Els"))
        jan = facts.person(JAN, first_name="Jan", birth_date=date(1990, 1, 1))
        await enrolled(signer, str(uuid.uuid4()), jan)
        person = {"booklet_id": booklet, "national_register_number": ELS}
        await staff(signer, "dossier", "ChangeContactDetails", person | {"iban": ELS_ACCOUNT})
        today = brussels_day(clock.now())
        start = today + relativedelta(months=1, day=1)
        joining = {"product": "confort", "received_on": str(today)}
        await staff(signer, "dossier", "SubscribeToInsurance", person | joining)
        els_id, jan_id = (
            await facts.person_id_in(dossier, ELS),
            await facts.person_id_in(dossier, JAN),
        )
        await signer.announce_member(payments, "els", ELS, els_id)
        await signer.announce_member(payments, "jan", JAN, jan_id)

        async def cover_known() -> bool:
            async with payments.database.read() as conn:
                found = await conn.scalar(
                    select(covers.c.product).where(covers.c.person_id == els_id)
                )
            return found == "confort"

        assert await eventually(cover_known), "payments never learnt Els's cover"

        async def file(claim: dict) -> dict:
            await staff(signer, "payments", "FileHospitalClaim", claim)
            found = await eventually(lambda: decided(payments, claim["claim_id"]))
            assert found, f"claim {claim['claim_id']} never decided"
            return found

        # Three months in: the 6 months' waiting period runs.
        waiting = await file(stay_claim("c-waiting", start + relativedelta(months=3)))
        assert waiting["benefit"] == 0 and waiting["level"] is None
        assert "waiting period" in waiting["refusal"]
        # An accident on the first day of cover waits for nothing.
        accident = await file(stay_claim("c-accident", start, accident_on=str(start)))
        assert accident["level"] == "confort" and Decimal(accident["benefit"]) > 0

        # Seven months in, the waiting period is over: paid as the calculator computes it.
        admitted = start + relativedelta(months=7)
        claim = stay_claim("c-stay", admitted)
        stay = await file(claim)
        expected = decide_claim(
            domain.Claim(
                product=Product.CONFORT,
                filed_on=date.fromisoformat(claim["filed_on"]),
                care=domain.HospitalStay(
                    admitted, admitted + timedelta(days=3), domain.Room.SINGLE
                ),
                lines=tuple(
                    domain.Line(**line | {"kind": LineKind(line["kind"])})
                    for line in claim["lines"]
                ),
            ),
            await usage_after(payments, "c-accident"),
        )
        assert Decimal(stay["benefit"]) == expected.benefit > 0
        assert [Decimal(line["benefit"]) for line in stay["lines"]] == [
            line.benefit for line in expected.lines
        ]
        assert all(line["reasons"] for line in stay["lines"])  # why each euro was paid or not
        again = await signer.send("payments", "FileHospitalClaim", claim, "member_services")
        assert again.status == "rejected" and "decided already" in again.reason

        await run_payments(payments, clock, next_run_day(clock.now()))
        async with payments.database.read() as conn:
            rows = await conn.scalars(
                select(stored_events.c.payload).where(stored_events.c.type == "PaymentMade")
            )
            made = [row if isinstance(row, dict) else json.loads(row) for row in rows]
        paid = [
            item
            for payment in made
            for item in payment["items"]
            if item["kind"] == "hospital_claim"
        ]
        assert {Decimal(item["amount"]) for item in paid} == {
            Decimal(accident["benefit"]),
            expected.benefit,
        }

        path = f"/persons/{els_id}/hospital-claims"
        async with client(payments) as api:
            listed = await api.get(path, headers=bearer(signer.token("member", "els")))
            not_his = await api.get(path, headers=bearer(signer.token("member", "jan")))
        assert [c["claim_id"] for c in listed.json()] == ["c-stay", "c-waiting", "c-accident"]
        assert listed.json()[0]["lines"][0]["row"]  # the sheet's row, in its words
        assert not_his.status_code == 404
