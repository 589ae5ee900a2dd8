"""The legal figures of a certificate follow the person's status on the care date, as the
dossier's events tell payments (PAY-3, DOS-4, DOS-5, DOS-9), over the real broker and both
backends: VT or not, a GMD at the provider or at another GP, regular dental care or not, and a
code that needs the advising physician's agreement reimbursed only within one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from mutualis.importing import import_file
from services.dossier.app import definition as dossier_service
from services.payments.app import definition as payments_service
from services.payments.members import agreements, gmds
from shared.clock import brussels_day
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.payments import csv_file, learnt, line
from tests.support.services import running
from tests.support.waiting import eventually

D = Decimal
GMD_GP = ("10006638004", "Dr. Lies Goossens")
OTHER_GP = ("10007727004", "Dr. Tom Peeters")
DENTIST = ("30005563001", "Tandarts Bart Claes")
SPEECH_THERAPIST = ("60005584001", "Logopedist Eva Smet")
VT_SINCE_2015 = {
    "cg1": "111",
    "cg2": "111",
    "increased_reimbursement": True,
    "increased_reimbursement_since": "2015-01-01",
}


async def test_pay3_dos4_dos5_dos9_the_figures_follow_the_persons_status(
    new_database, kafka, signer, clock, tmp_path
):
    today = brussels_day(clock.now())
    day = today - timedelta(days=5)
    ann, vic, jade = (
        facts.insz(date(1985, 3, 3), 61),
        facts.insz(date(1950, 6, 6), 63),
        facts.insz(today.replace(year=today.year - 20) - timedelta(days=40), 64),
    )
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

        people = {
            "b-ann": facts.person(ann, first_name="Ann", birth_date=date(1985, 3, 3)),
            "b-vic": facts.person(vic, birth_date=date(1950, 6, 6), entitlement=VT_SINCE_2015),
            "b-jade": facts.person(
                jade,
                birth_date=today.replace(year=today.year - 20) - timedelta(days=40),
                entitlement=VT_SINCE_2015,
            ),
        }
        for booklet, person in people.items():
            await staff(
                "dossier",
                "EnrolMember",
                {"booklet_id": booklet, "holder": person.model_dump(mode="json")},
            )
            await staff(
                "dossier",
                "RecordGmd",
                {
                    "booklet_id": booklet,
                    "national_register_number": person.national_register_number,
                    "gp_riziv_number": GMD_GP[0],
                    "gp_name": GMD_GP[1],
                    "start_date": (today - timedelta(days=300)).isoformat(),
                    "advantage": "consultations_and_home_visits",
                },
            )
        ids = {nrn: await facts.person_id_in(dossier, nrn) for nrn in (ann, vic, jade)}
        await learnt(payments, set(ids.values()))

        async def gmds_known() -> bool:
            async with payments.database.read() as conn:
                return len(list(await conn.execute(gmds.select()))) == 3

        assert await eventually(gmds_known)
        sender = signer.sender("member_services")
        first = [
            line("a-gmd", ann, day, GMD_GP),
            line("a-other", ann, day, OTHER_GP),
            line("v-gmd", vic, day, GMD_GP),
            line("v-other", vic, day, OTHER_GP),
            line("j-gmd", jade, day, GMD_GP),
            # No reimbursed dental care last year: the higher co-payment for scaling.
            line("a-scaling-1", ann, day, DENTIST, code="302234", fee="17.00"),
            # Speech therapy needs the advising physician's agreement, and has none yet.
            line("a-speech-1", ann, day, SPEECH_THERAPIST, code="701013", fee="42.75"),
        ]
        report = await import_file(kafka, csv_file(tmp_path / "first.csv", first), sender, clock)
        assert report.reimbursed == 6
        [(_, cid, reason)] = report.refused
        assert cid == "a-speech-1" and "advising physician" in reason

        # A dental visit of last year comes in late; the agreement is granted.
        await staff(
            "dossier",
            "RecordMedicalAgreement",
            {
                "booklet_id": "b-ann",
                "national_register_number": ann,
                "agreement_id": "agr-1",
                "nomenclature_code": "701013",
                "description": "Logopedie: bilan",
                "valid_from": (day - timedelta(days=30)).isoformat(),
                "status": "granted",
            },
        )

        async def agreed() -> bool:
            async with payments.database.read() as conn:
                return len(list(await conn.execute(agreements.select()))) == 1

        assert await eventually(agreed)
        late = date(today.year - 1, 11, 15)
        second = [
            line("a-exam-last-year", ann, late, DENTIST, code="301593", fee="68.00"),
            line("a-scaling-2", ann, day, DENTIST, code="302234", fee="17.00"),
            line("a-speech-2", ann, day, SPEECH_THERAPIST, code="701013", fee="42.75"),
        ]
        report = await import_file(kafka, csv_file(tmp_path / "second.csv", second), sender, clock)
        assert (report.reimbursed, report.refused) == (3, [])
        await payments.projector.run_until_caught_up()

        lines = (
            await api.get("/history?size=200", headers=bearer(signer.token("member_services")))
        ).json()["lines"]
        co_payment = {row["item_id"].split(":")[1]: D(row["co_payment"]) for row in lines}
        assert co_payment == {
            "a-gmd": D("4.00"),  # GMD at this GP (DOS-4)
            "a-other": D("6.00"),  # GMD elsewhere: the higher co-payment
            "v-gmd": D("1.00"),  # VT with a GMD (PAY-3)
            "v-other": D("1.50"),
            "j-gmd": D("0.00"),  # VT up to 24 with a GMD
            "a-scaling-1": D("10.25"),  # no dental care last year (DOS-9)
            "a-exam-last-year": D("3.50"),
            "a-scaling-2": D("3.50"),  # regular now: last year's visit is on file
            "a-speech-2": D("7.50"),  # within the agreement (DOS-5)
        }

        pass_ = (
            await api.get(
                f"/persons/{ids[ann]}/dental-pass", headers=bearer(signer.token("member_services"))
            )
        ).json()
        assert pass_["regular_this_year"] is True and pass_["visit_needed_this_year"] is False
        assert [(y["year"], y["visits"]) for y in pass_["years"]] == [
            (today.year, 2),
            (today.year - 1, 1),
        ]
