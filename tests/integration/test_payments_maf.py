"""The maximum bill over the real broker and both backends (DOS-6, PAY-4): the household's
bracket set by staff as the tax office answers, its co-payments counted as certificates come in,
the next co-payment above the ceiling refunded in full and paid by the run, a late certificate
counted in the year of its care, the ceiling moved by a corrected bracket and a chronic illness,
the social MAF of a VT household, and a year without official figures shown as provisional."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from mutualis.importing import import_file
from services.dossier.app import definition as dossier_service
from services.payments.app import definition as payments_service
from services.payments.payables import item_status
from services.payments.payment_runs import next_run_day
from shared.clock import brussels_day
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.payments import csv_file, learnt, line, run_payments
from tests.support.services import running

D = Decimal
PHYSIO = ("50005577001", "Kine Sara Maes")  # 6.25 co-payment a session (not VT)


async def test_dos6_pay4_a_household_passes_its_ceiling_and_is_refunded_above_it(
    new_database, kafka, signer, clock, tmp_path
):
    today = brussels_day(clock.now())
    year = today.year
    ann, vic = facts.insz(date(1980, 4, 2), 51), facts.insz(date(1950, 9, 9), 77)
    async with (
        running(dossier_service, await new_database("dossier"), kafka, clock) as dossier,
        running(payments_service, await new_database("payments"), kafka, clock) as payments,
        client(payments) as api,
    ):
        await signer.known_by(dossier)
        await signer.known_by(payments)

        async def staff(service: str, command: str, payload: dict) -> dict:
            sent = await signer.send(service, command, payload, "member_services")
            assert sent.status == "accepted", sent.reason
            return sent

        holder = facts.person(ann, first_name="Ann", birth_date=date(1980, 4, 2))
        vt = {
            "cg1": "111",
            "cg2": "111",
            "increased_reimbursement": True,
            "increased_reimbursement_since": "2015-01-01",
        }
        widower = facts.person(
            vic, first_name="Victor", birth_date=date(1950, 9, 9), entitlement=vt
        )
        await staff(
            "dossier",
            "EnrolMember",
            {"booklet_id": "b-ann", "holder": holder.model_dump(mode="json")},
        )
        await staff(
            "dossier",
            "EnrolMember",
            {"booklet_id": "b-vic", "holder": widower.model_dump(mode="json")},
        )
        await staff(
            "dossier",
            "ChangeContactDetails",
            {"booklet_id": "b-ann", "national_register_number": ann, "iban": "BE68539007547034"},
        )
        ann_id = await facts.person_id_in(dossier, ann)
        vic_id = await facts.person_id_in(dossier, vic)
        await learnt(payments, {ann_id, vic_id}, lambda rows: rows[ann_id].iban is not None)
        await signer.announce_member(payments, "acc-ann", ann, ann_id)
        await signer.announce_member(payments, "acc-vic", vic, vic_id)
        ann_token = bearer(signer.token("member", "acc-ann"))

        # The tax office's answer: the lowest bracket, ceiling 254.99 (the year's figures are
        # not published yet: the last known year's, provisional).
        await staff(
            "payments", "SetIncomeBracket", {"booklet_id": "b-ann", "year": year, "bracket": 1}
        )
        await payments.projector.run_until_caught_up()
        maf = (await api.get(f"/persons/{ann_id}/maf", headers=ann_token)).json()
        assert (D(maf["ceiling"]), maf["bracket"], maf["provisional"]) == (D("254.99"), 1, True)

        # 40 sessions: 250.00 counted, under the ceiling; then one crosses it, one more goes
        # above it; and a late certificate of last year counts in last year's MAF.
        day = today - timedelta(days=20)
        sessions = [line(f"k-{n}", ann, day, PHYSIO, code="560011", fee="30.00") for n in range(42)]
        late = line("k-late", ann, date(year - 1, 12, 20), PHYSIO, code="560011", fee="30.00")
        report = await import_file(
            kafka,
            csv_file(tmp_path / "kine.csv", [*sessions, late]),
            signer.sender("member_services"),
            clock,
        )
        assert (report.reimbursed, report.refused) == (43, [])
        await payments.projector.run_until_caught_up()

        maf = (await api.get(f"/persons/{ann_id}/maf", headers=ann_token)).json()
        assert D(maf["counted"]) == D("262.50")  # 42 x 6.25, not last year's
        assert (maf["ceiling_passed"], [D(t) for t in maf["thresholds_crossed"]]) == (
            True,
            [D("254.99")],
        )
        assert D(maf["refunded"]) == D("7.51")  # 1.26 of the 41st, all 6.25 of the 42nd
        last_year = (
            await api.get(f"/persons/{ann_id}/maf?year={year - 1}", headers=ann_token)
        ).json()
        assert (D(last_year["counted"]), last_year["ceiling"]) == (D("6.25"), None)

        # A corrected answer puts the household a bracket higher: nothing is taken back,
        # what was refunded above the new entitlement is recorded for a handler.
        await staff(
            "payments", "SetIncomeBracket", {"booklet_id": "b-ann", "year": year, "bracket": 2}
        )
        await payments.projector.run_until_caught_up()
        maf = (await api.get(f"/persons/{ann_id}/maf", headers=ann_token)).json()
        assert (D(maf["ceiling"]), D(maf["overpaid"]), D(maf["refunded"])) == (
            D("516.92"),
            D("7.51"),
            D("7.51"),
        )

        # A chronic illness recognised lowers the ceiling by 114.87: what it frees is refunded
        # at once, to the holder.
        await staff(
            "payments", "SetIncomeBracket", {"booklet_id": "b-ann", "year": year, "bracket": 1}
        )
        await staff(
            "payments", "RecognizeChronicIllness", {"national_register_number": ann, "year": year}
        )
        await payments.projector.run_until_caught_up()
        maf = (await api.get(f"/persons/{ann_id}/maf", headers=ann_token)).json()
        assert (D(maf["ceiling"]), D(maf["chronic_reduction"])) == (D("140.12"), D("114.87"))
        assert D(maf["refunded"]) == D("262.50") - D("140.12")

        # The run pays every refund with the reimbursements, once.
        await run_payments(payments, clock, next_run_day(clock.now()))
        async with payments.database.read() as conn:
            refunds = list(
                await conn.execute(select(item_status).where(item_status.c.kind == "maf_refund"))
            )
        assert {r.status for r in refunds} == {"paid"}
        assert sum(r.amount for r in refunds) == D("262.50") - D("140.12")
        # Tokens are issued at the moved clock's time from here on.
        ann_token = bearer(signer.token("member", "acc-ann"))
        history = (await api.get("/history?kind=maf_refund", headers=ann_token)).json()
        assert history["total"] == len(refunds)

        # Social MAF: a VT household has the social ceiling before its bracket is known.
        vic_token = bearer(signer.token("member", "acc-vic"))
        await import_file(
            kafka,
            csv_file(
                tmp_path / "vic.csv", [line("v-1", vic, day, PHYSIO, code="560011", fee="30.00")]
            ),
            signer.sender("member_services"),
            clock,
        )
        await payments.projector.run_until_caught_up()
        social = (await api.get(f"/persons/{vic_id}/maf", headers=vic_token)).json()
        assert (social["social"], D(social["ceiling"]), D(social["counted"])) == (
            True,
            D("516.92"),
            D("2.50"),
        )
        # Another member's household is none of Ann's business.
        assert (await api.get(f"/persons/{vic_id}/maf", headers=ann_token)).status_code == 404
