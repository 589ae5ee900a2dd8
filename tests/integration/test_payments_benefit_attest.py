"""DOS-10, PAY-1: the attest of the incapacity benefits paid to a person in a year, printed by
the payments service that paid them, over the real broker and both backends; a member prints
only her own persons' attests."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pypdf
from babel.numbers import format_currency

from services.dossier.app import definition as dossier_service
from services.payments.app import definition as payments_service
from services.payments.domain.benefit import Period, monthly_periods
from services.payments.payment_runs import next_run_day
from shared.clock import brussels_day
from tests.support import dossier as facts
from tests.support.http import bearer, client
from tests.support.payments import learnt, run_payments
from tests.support.services import running

IBAN = "BE68539007547034"
DAILY = Decimal("61.25")


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


async def test_dos10_pay1_a_member_prints_the_attest_of_the_benefits_paid_in_a_year(
    new_database, kafka, signer, clock
):
    today = brussels_day(clock.now())
    els_born, bram_born = date(1985, 7, 30), date(1988, 3, 1)
    els, bram = facts.insz(els_born, 33), facts.insz(bram_born, 41)
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
        other = facts.person(bram, first_name="Bram", last_name="Janssens", birth_date=bram_born)
        await staff("dossier", "EnrolMember", {"booklet_id": "b-peeters", "holder": holder})
        await staff(
            "dossier",
            "EnrolMember",
            {"booklet_id": "b-janssens", "holder": other.model_dump(mode="json")},
        )
        await staff(
            "dossier",
            "ChangeContactDetails",
            {"booklet_id": "b-peeters", "national_register_number": els, "iban": IBAN},
        )
        els_id = await facts.person_id_in(dossier, els)
        bram_id = await facts.person_id_in(dossier, bram)
        await learnt(payments, {els_id, bram_id}, lambda rows: rows[els_id].iban == IBAN)

        # Unable to work from the 10th of the month before last to the end of last month:
        # each month is paid once it is over, in the next payment run.
        this_month = today.replace(day=1)
        start = (this_month - timedelta(days=40)).replace(day=10)
        end = this_month - timedelta(days=1)
        await staff(
            "payments",
            "DecideIncapacityBenefit",
            {
                "national_register_number": els,
                "daily_amount": str(DAILY),
                "start": start.isoformat(),
                "end": end.isoformat(),
            },
        )
        run_day = next_run_day(clock.now())
        await run_payments(payments, clock, run_day)

        await signer.announce_member(payments, "acc-els", els, els_id)
        await signer.announce_member(payments, "acc-bram", bram, bram_id)
        els_token = bearer(signer.token("member", "acc-els"))
        path = f"/persons/{els_id}/benefit-attest"

        attest = await api.get(path, params={"year": run_day.year}, headers=els_token)
        assert attest.status_code == 200, attest.text
        assert attest.headers["content-type"] == "application/pdf"
        text = pdf_text(attest.content)
        periods = monthly_periods(start, end)
        total = sum(DAILY * Period(p.start, p.end).benefit_days for p in periods)
        assert "Uitkeringsattest" in text and "Els Peeters" in text, text
        assert f"{els[:2]}.{els[2:4]}.{els[4:6]}-{els[6:9]}.{els[9:]}" in text
        assert text.count(" tot ") == len(periods) == 2
        assert format_currency(total, "EUR", locale="nl_BE").replace("\xa0", " ") in text, text

        french = await api.get(
            path, params={"year": run_day.year, "language": "fr"}, headers=els_token
        )
        assert "Attestation d'indemnités" in pdf_text(french.content)

        # None paid that year: said, not an empty attest; another member's person: none.
        earlier = await api.get(path, params={"year": run_day.year - 1}, headers=els_token)
        assert (earlier.status_code, earlier.json()["code"]) == (404, "no_benefits")
        bram_token = bearer(signer.token("member", "acc-bram"))
        theirs = await api.get(path, params={"year": run_day.year}, headers=bram_token)
        assert (theirs.status_code, theirs.json()["code"]) == (404, "no_such_person")
        undated = await api.get(path, headers=els_token)
        assert undated.status_code == 422
