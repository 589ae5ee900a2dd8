"""Youth savings (jongerensparen, DOS-7) end to end over the real broker and both backends: the
dossier's members reach payments; member services enrol three young members over Kafka and
record the deposits received (a bank transfer recorded twice counted once, a saving started
since 2024 refused); a member looks up since when their daughter saves, how much was saved,
each year's deposits and the payout expected, and nobody else's; a marriage pays the capital
out (waiting for an account), the 30th birthday pays it out by itself, and the payment run
pays each once, shown in the financial history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from services.dossier.app import definition as dossier_service
from services.payments.app import definition as payments_service
from services.payments.members import members
from services.payments.payables import item_status
from services.payments.payment_runs import next_run_day
from shared.access.persons import Persons
from shared.clock import brussels_day
from shared.contracts import Actor
from shared.contracts.access import AccessGranted
from tests.integration.test_payments import run_payments
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually

D = Decimal


def thirty_years_before(day: date) -> date:
    """The birth date of someone who turns 30 on `day` (a 29 February is not one)."""
    return day.replace(year=day.year - 30)


async def test_dos7_since_when_and_how_much_saved_and_the_capital_paid_out_once(
    new_database, kafka, signer, clock
):
    today, run_day = brussels_day(clock.now()), next_run_day(clock.now())
    # Els turns 30 in three days; her daughter Lotte was 14 in 2023; Bram is on his own booklet.
    els_thirty = today + timedelta(days=3)
    if (els_thirty.month, els_thirty.day) == (2, 29):
        els_thirty += timedelta(days=1)
    els_born, lotte_born = thirty_years_before(els_thirty), date(2009, 5, 15)
    bram_born = date(1998, 3, 1)
    els, lotte = facts.insz(els_born, 33), facts.insz(lotte_born, 124)
    bram = facts.insz(bram_born, 41)
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(payments_service, await new_database("payments"), kafka, clock) as payments,
        client(payments) as api,
    ):
        await signer.known_by(dossier)
        await signer.known_by(payments)

        async def staff(service: str, command: str, payload: dict) -> None:
            sent = await signer.send(service, command, payload, "member_services")
            assert sent.status == "accepted", sent.reason

        holder = facts.person(els, birth_date=els_born)
        child = facts.person(lotte, first_name="Lotte", birth_date=lotte_born)
        other = facts.person(bram, first_name="Bram", last_name="Janssens", birth_date=bram_born)
        for booklet, command, role, who in (
            ("b-peeters", "EnrolMember", "holder", holder),
            ("b-peeters", "AddDependant", "dependant", child),
            ("b-janssens", "EnrolMember", "holder", other),
        ):
            await staff(
                "dossier", command, {"booklet_id": booklet, role: who.model_dump(mode="json")}
            )
        await staff(
            "dossier",
            "ChangeContactDetails",
            {
                "booklet_id": "b-peeters",
                "national_register_number": els,
                "iban": "BE68539007547034",
            },
        )
        els_id = await facts.person_id_in(dossier, els)
        lotte_id = await facts.person_id_in(dossier, lotte)
        bram_id = await facts.person_id_in(dossier, bram)

        async def learnt() -> bool:
            async with payments.database.read() as conn:
                known = dict(
                    (await conn.execute(select(members.c.person_id, members.c.iban))).all()
                )
            return known.get(els_id) == "BE68539007547034" and {lotte_id, bram_id} <= set(known)

        assert await eventually(learnt), "payments never learnt the dossier's members"

        # Member services enrol the savings kept since before 2024 and the deposits received.
        await staff(
            "payments",
            "EnrolInYouthSavings",
            {"national_register_number": lotte, "since": "2023-06-01", "yearly_amount": "30.00"},
        )
        for received_on, reference in (("2023-06-01", "BANK-23-1"), ("2024-06-01", "BANK-24-1")):
            deposit = {"amount": "30.00", "received_on": received_on, "reference": reference}
            await staff(
                "payments",
                "RecordYouthSavingsDeposit",
                {"national_register_number": lotte} | deposit,
            )
        # The same transfer keyed in twice: counted once.
        await staff(
            "payments",
            "RecordYouthSavingsDeposit",
            {"national_register_number": lotte, "amount": "30.00"}
            | {"received_on": "2024-06-01", "reference": "BANK-24-1"},
        )
        els_since = date(els_born.year + 14, 3, 1)
        await staff(
            "payments",
            "EnrolInYouthSavings",
            {
                "national_register_number": els,
                "since": els_since.isoformat(),
                "yearly_amount": "48",
            },
        )
        for year in (els_since.year, els_since.year + 1):
            await staff(
                "payments",
                "RecordYouthSavingsDeposit",
                {"national_register_number": els, "amount": "48.00"}
                | {"received_on": date(year, 3, 1).isoformat()},
            )
        # No new savers since 2024: Bram's saving must have started before.
        refused = await signer.send(
            "payments",
            "EnrolInYouthSavings",
            {"national_register_number": bram, "since": "2024-02-01", "yearly_amount": "48"},
            "member_services",
        )
        assert refused.status == "rejected"
        assert "no new youth savings since 2024-01-01" in refused.reason
        await staff(
            "payments",
            "EnrolInYouthSavings",
            {"national_register_number": bram, "since": "2012-04-01", "yearly_amount": "48"},
        )
        await staff(
            "payments",
            "RecordYouthSavingsDeposit",
            {"national_register_number": bram, "amount": "48.00", "received_on": "2012-04-01"},
        )

        # Bram married ten days ago: his capital falls due and the timer of his 30th is off.
        married = today - timedelta(days=10)
        await staff(
            "payments",
            "EndYouthSavings",
            {"national_register_number": bram, "reason": "marriage", "on": married.isoformat()},
        )

        # Els looks up her daughter's saving.
        await signer.announce_member(payments, "acc-els", els, els_id)
        await signer.announce_member(payments, "acc-bram", bram, bram_id)
        await signer.publish(
            AccessGranted(holder=els_id, person=lotte_id, why="child under 16"), "g-els-lotte"
        )

        async def granted() -> bool:
            async with payments.database.read() as conn:
                return lotte_id in await Persons(conn).persons_of(
                    Actor(account_id="acc-els", role="member", authenticated_by="pwd")
                )

        assert await eventually(granted)
        await payments.projector.run_until_caught_up()
        els_token = bearer(signer.token("member", "acc-els"))
        bram_token = bearer(signer.token("member", "acc-bram"))

        lottes = (await api.get(f"/persons/{lotte_id}/youth-savings", headers=els_token)).json()

        assert (lottes["since"], D(lottes["yearly_amount"]), D(lottes["saved"])) == (
            "2023-06-01",
            D("30.00"),
            D("60.00"),
        )
        assert [(y["year"], D(y["amount"])) for y in lottes["years"]] == [
            (2023, D("30")),
            (2024, D("30")),
            *((year, D("0")) for year in range(2025, today.year + 1)),
        ]
        assert [d["received_on"] for d in lottes["deposits"]] == ["2023-06-01", "2024-06-01"]
        # Expected on her 30th birthday: what was saved, and 30 EUR for this year and each year
        # to come before it (the June deposit of 2039 would come after her birthday in May).
        to_come = 2038 - today.year + 1
        assert lottes["payout"] == {
            "on": "2039-05-15",
            "amount": str(D("60.00") + to_come * D("30.00")),
            "reason": "age_30",
            "status": "expected",
            "payment_id": None,
        }

        # Nobody else's: Bram is told there is no such person; member services see everyone.
        assert (
            await api.get(f"/persons/{lotte_id}/youth-savings", headers=bram_token)
        ).status_code == 404
        staff_token = bearer(signer.token("member_services"))
        assert (
            await api.get(f"/persons/{lotte_id}/youth-savings", headers=staff_token)
        ).status_code == 200

        # The next run: Bram has no account, his capital waits for one.
        await run_payments(payments, clock, run_day)
        bram_token = bearer(signer.token("member", "acc-bram"))  # issued at the clock's time
        brams = (await api.get(f"/persons/{bram_id}/youth-savings", headers=bram_token)).json()
        assert brams["payout"] == {
            "on": married.isoformat(),
            "amount": "48.00",
            "reason": "marriage",
            "status": "held",
            "payment_id": None,
        }

        # Els turns 30: her capital falls due and that day's run pays it, once.
        await run_payments(payments, clock, els_thirty)
        await run_payments(payments, clock, els_thirty)
        async with payments.database.read() as conn:
            item = (
                await conn.execute(
                    select(item_status).where(item_status.c.item_id == f"youth_savings:{els_id}")
                )
            ).one()
        assert (item.kind, item.amount, item.status) == ("youth_savings", D("96.00"), "paid")
        els_token = bearer(signer.token("member", "acc-els"))
        els_own = (await api.get(f"/persons/{els_id}/youth-savings", headers=els_token)).json()
        assert els_own["payout"] == {
            "on": els_thirty.isoformat(),
            "amount": "96.00",
            "reason": "age_30",
            "status": "paid",
            "payment_id": item.payment_id,
        }
        history = (await api.get("/history?kind=youth_savings", headers=els_token)).json()
        [line] = history["lines"]
        assert (line["person_id"], D(line["amount"]), line["status"]) == (els_id, D("96"), "paid")
        payment = (await api.get(f"/payments/{item.payment_id}", headers=els_token)).json()
        assert [i["kind"] for i in payment["items"]] == ["youth_savings"]
