"""The money, end to end over the real broker and both backends (issue 11): the dossier's
members reach payments, an electronic file of care certificates is imported the way
`mutualis payments import` sends it (refused lines reported with their reason, a second import
changing nothing), the daily payment run pays each reimbursement once to the account the dossier
holds (a child's to the holder; none known: it waits and goes out once an IBAN arrives), writes
the bank's pain.001 file, and members read their history, payments and receipts, never
another's."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pypdf
from sqlalchemy import select

from mutualis.importing import import_file
from services.dossier.app import definition as dossier_service
from services.payments import sepa
from services.payments.app import definition as payments_service
from services.payments.members import gmds, members
from services.payments.payables import item_status, transfer_files
from services.payments.payment_runs import next_run_day
from shared.access.persons import Persons
from shared.clock import brussels_day
from shared.contracts import Actor
from shared.contracts.access import AccessGranted
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.payments import DENTIST, GP, csv_file, line, run_payments
from tests.support.services import running
from tests.support.waiting import eventually

D = Decimal


async def test_pay1_pay2_pay6_certificates_in_reimbursed_paid_once_and_shown_to_their_members(
    new_database, kafka, signer, clock, tmp_path
):
    today = brussels_day(clock.now())
    run_day = next_run_day(clock.now())
    els_born, lotte_born, bram_born = date(1985, 7, 30), date(2011, 5, 15), date(1988, 3, 1)
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

        holder = facts.person(els, birth_date=els_born).model_dump(mode="json")
        child = facts.person(lotte, first_name="Lotte", birth_date=lotte_born)
        other = facts.person(bram, first_name="Bram", last_name="Janssens", birth_date=bram_born)
        await staff("dossier", "EnrolMember", {"booklet_id": "b-peeters", "holder": holder})
        await staff(
            "dossier",
            "AddDependant",
            {"booklet_id": "b-peeters", "dependant": child.model_dump(mode="json")},
        )
        await staff(
            "dossier",
            "EnrolMember",
            {"booklet_id": "b-janssens", "holder": other.model_dump(mode="json")},
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
        # Els's GMD is at the GP of her certificate (DOS-4): the lower co-payment.
        await staff(
            "dossier",
            "RecordGmd",
            {
                "booklet_id": "b-peeters",
                "national_register_number": els,
                "gp_riziv_number": GP[0],
                "gp_name": GP[1],
                "start_date": (today - timedelta(days=400)).isoformat(),
                "advantage": "consultations_and_home_visits",
            },
        )
        els_id = await facts.person_id_in(dossier, els)
        lotte_id = await facts.person_id_in(dossier, lotte)
        bram_id = await facts.person_id_in(dossier, bram)

        async def learnt() -> bool:
            async with payments.database.read() as conn:
                rows = await conn.execute(select(members.c.person_id, members.c.iban))
                known = dict(rows.all())
                gmd = await conn.scalar(select(gmds.c.gp_riziv_number))
            ready = known.get(els_id) == "BE68539007547034" and gmd == GP[0]
            return ready and {lotte_id, bram_id} <= set(known)

        assert await eventually(learnt), "payments never learnt the dossier's members"

        day = today - timedelta(days=3)
        rows = [
            line("c-1", els, day),  # line 2
            line("c-2", lotte, day, DENTIST, code="371615", fee="49.50"),  # line 3
            line("c-3", bram, day),  # line 4
            line("c-4", facts.insz(date(1970, 1, 1), 99), day),  # line 5: no member
            line("c-5", els, day, code="999999"),  # line 6: unknown code
            line("c-6", els, today + timedelta(days=2)),  # line 7: in the future
            line("c-7", els, date(today.year - 3, 1, 10)),  # line 8: time-barred
            line("c-8", "85073003399", day),  # line 9: a wrong national register number
        ]
        path = csv_file(tmp_path / "certificates.csv", rows)
        sender = signer.sender("member_services")

        report = await import_file(kafka, path, sender, clock, timeout=60)

        assert (report.lines, report.reimbursed, report.already_recorded) == (8, 3, 0), (
            report.refused
        )
        refused = {line: reason for line, _, reason in report.refused}
        assert sorted(refused) == [5, 6, 7, 8, 9]
        assert "no member" in refused[5]
        assert "999999" in refused[6]
        assert "future" in refused[7]
        assert "time-barred" in refused[8]
        assert "national_register_number" in refused[9]

        # The same file again: nothing changes; the refused lines are refused again.
        again = await import_file(kafka, path, sender, clock, timeout=60)
        assert (again.reimbursed, again.already_recorded, len(again.refused)) == (0, 3, 5)

        await run_payments(payments, clock, run_day)

        async with payments.database.read() as conn:
            items = {r.item_id: r for r in await conn.execute(select(item_status))}
            files = list(await conn.execute(select(transfer_files)))
        assert items["reimbursement:c-1"].status == "paid"
        # Lotte has no account: her reimbursement goes to her holder's, in the same payment.
        assert items["reimbursement:c-2"].payment_id == items["reimbursement:c-1"].payment_id
        # Bram has no account anywhere: his waits, with the reason.
        assert items["reimbursement:c-3"].status == "held"
        waiting = await api.get("/waiting", headers=bearer(signer.token("member_services")))
        assert [(w["person_id"], w["reason"][:7]) for w in waiting.json()] == [(bram_id, "no_iban")]

        [transfer] = files
        count, cents = sepa.summary(transfer.content)
        paid = items["reimbursement:c-1"].amount + items["reimbursement:c-2"].amount
        assert (count, D(cents) / 100) == (1, paid)

        # A second run the same day (a replica, a timer fired again) pays nothing twice.
        await run_payments(payments, clock, run_day)
        async with payments.database.read() as conn:
            assert len(list(await conn.execute(select(transfer_files)))) == 1

        # Members see their own persons' history and payments, with the certificate's data.
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
        els_token = bearer(signer.token("member", "acc-els"))
        bram_token = bearer(signer.token("member", "acc-bram"))
        history = (await api.get("/history", headers=els_token)).json()
        assert history["total"] == 2
        gp = next(i for i in history["lines"] if i["person_id"] == els_id)
        assert (gp["provider_name"], gp["code"], gp["status"]) == (GP[1], "101076", "paid")
        assert D(gp["amount"]) + D(gp["co_payment"]) == D(gp["legal_fee"])
        assert D(gp["co_payment"]) == D("4.00")  # with a GMD at this GP (DOS-4)
        payment_id = gp["payment_id"]

        detail = (await api.get(f"/payments/{payment_id}", headers=els_token)).json()
        assert D(detail["amount"]) == paid
        receipt = await api.get(f"/payments/{payment_id}/receipt", headers=els_token)
        assert receipt.headers["content-type"] == "application/pdf"
        text = "".join(
            page.extract_text() for page in pypdf.PdfReader(io.BytesIO(receipt.content)).pages
        )
        assert "Kwijtschrift" in text and GP[1] in text
        # DOS-11: the payment is in her inbox's list of receipts, and in no one else's.
        [listed] = (await api.get("/payments", headers=els_token)).json()
        assert (listed["payment_id"], D(listed["amount"])) == (payment_id, paid)
        assert (await api.get("/payments", headers=bram_token)).json() == []

        # Another member is told there is no such payment, nor such a person.
        assert (
            await api.get(f"/payments/{payment_id}/receipt", headers=bram_token)
        ).status_code == 404
        assert (
            await api.get(f"/history?person_id={els_id}", headers=bram_token)
        ).status_code == 404
        assert (await api.get("/history", headers=bram_token)).json()["total"] == 1

        # Bram's IBAN arrives: the next run pays what waited.
        await staff(
            "dossier",
            "ChangeContactDetails",
            {
                "booklet_id": "b-janssens",
                "national_register_number": bram,
                "iban": "BE71096123456769",
            },
        )

        async def bram_payable() -> bool:
            async with payments.database.read() as conn:
                from services.payments.members import members

                return (
                    await conn.scalar(select(members.c.iban).where(members.c.person_id == bram_id))
                    is not None
                )

        assert await eventually(bram_payable)
        await run_payments(payments, clock, run_day + timedelta(days=1))
        async with payments.database.read() as conn:
            held = await conn.scalar(
                select(item_status.c.status).where(item_status.c.item_id == "reimbursement:c-3")
            )
        assert held == "paid"
        assert (
            await api.get("/waiting", headers=bearer(signer.token("member_services")))
        ).json() == []
