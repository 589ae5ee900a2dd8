"""DOS-13 (issue 10, item 5) with DOS-12: retention in a running dossier, on SQLite and
PostgreSQL with a real broker and a fake clock. An erasure keeps the financial records the law
keeps, restricted (the read model shows "restricted", never the IBAN), until the durable timer
of their retention fires; a membership that ends by death keeps who the member was until that
day and the financial records for their period. The clock is moved and the scheduler driven;
nothing sleeps."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from services.dossier.app import definition as dossier_service
from services.dossier.read_model import booklet_persons
from services.dossier.views import PersonView
from shared.clock import FakeClock
from shared.contracts import Actor, events
from shared.contracts.dossier import ContactDetailsChanged, MemberEnrolled
from shared.privacy.marking import ERASED
from shared.privacy.retention import BRUSSELS, retention
from tests.integration.test_complaint_procedure import settled
from tests.integration.test_erasure import everything_in
from tests.support import dossier as facts
from tests.support.procedure import brussels, fire, send
from tests.support.recorded import recorded
from tests.support.services import running

STAFF = Actor(account_id="staff-1", role="member_services", authenticated_by="pwd")
GRIET = facts.insz(date(1979, 2, 14), 57)
IBAN = "BE68539007547034"


async def enrolled_with_a_bank_account(dossier, booklet_id: str) -> str:
    """Griet, enrolled with an e-mail address and a bank account; her person id."""
    griet = facts.person(GRIET, first_name="Griet", birth_date=date(1979, 2, 14))
    holder = {"booklet_id": booklet_id, "holder": griet.model_dump(mode="json")}
    await send(dossier, "EnrolMember", holder, STAFF)
    details = {"email": "griet.v@example.org", "iban": IBAN}
    who = {"booklet_id": booklet_id, "national_register_number": GRIET}
    await send(dossier, "ChangeContactDetails", who | details, STAFF)
    [enrolment] = await recorded(dossier, MemberEnrolled.type_name)
    return enrolment.payload["person_id"]


async def opened(dossier) -> tuple[MemberEnrolled, ContactDetailsChanged]:
    """Griet's enrolment and contact details, as the dossier's store opens them."""
    [enrolment] = await recorded(dossier, MemberEnrolled.type_name)
    [details] = await recorded(dossier, ContactDetailsChanged.type_name)
    return events.decode(enrolment), events.decode(details)


async def shown(dossier, person_id: str) -> PersonView:
    await settled(dossier)
    async with dossier.database.read() as conn:
        found = await conn.execute(
            select(booklet_persons).where(booklet_persons.c.person_id == person_id)
        )
        return PersonView.of(found.one()._asdict())


def ends(category: str, since: date) -> datetime:
    return retention().ends_at(category, since)


async def test_dos13_a_financial_record_under_legal_retention_survives_erasure_restricted_and_is_shredded_when_the_fake_clock_passes_its_retention_end(  # noqa: E501
    database_url, kafka
):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(dossier_service, database_url, kafka, clock, background=False) as dossier:
        griet = await enrolled_with_a_bank_account(dossier, "b-g")

        await send(
            dossier, "ErasePerson", {"booklet_id": "b-g", "national_register_number": GRIET}, STAFF
        )

        # Who she was and how to reach her are gone; her bank account is kept, restricted.
        enrolment, details = await opened(dossier)
        assert (enrolment.holder.first_name, details.email) == (ERASED, ERASED)
        assert details.iban == IBAN
        view = await shown(dossier, griet)
        assert (view.first_name, view.email, view.iban) == ("erased", "erased", "restricted")
        assert IBAN not in await everything_in(dossier)

        # Kept until its retention ends, counted from the erasure.
        retention_end = ends("financial", date(2026, 3, 2))
        assert retention_end == datetime(2034, 1, 1, tzinfo=BRUSSELS)
        clock.set(retention_end - timedelta(minutes=1))
        assert await fire(dossier) == 0
        assert (await opened(dossier))[1].iban == IBAN

        clock.set(retention_end + timedelta(minutes=1))
        assert await fire(dossier) == 1

        assert (await opened(dossier))[1].iban == ERASED
        assert (await shown(dossier, griet)).iban == "erased"
        await dossier.projector.rebuild("booklets")
        rebuilt = await shown(dossier, griet)
        assert (rebuilt.first_name, rebuilt.iban, rebuilt.booklet_id) == ("erased", "erased", "b-g")


async def test_dos13_after_a_death_identity_is_shredded_at_once_and_financial_records_later(
    database_url, kafka
):
    clock = FakeClock(brussels("2026-03-02", 10))
    async with running(dossier_service, database_url, kafka, clock, background=False) as dossier:
        griet = await enrolled_with_a_bank_account(dossier, "b-g")

        died = {"booklet_id": "b-g", "person_id": griet, "reason": "died", "on": "2026-02-20"}
        await send(dossier, "EndMembership", died, STAFF)

        view = await shown(dossier, griet)
        assert (view.membership_end, view.membership_ended_on) == ("died", date(2026, 2, 20))
        # Identification and contact were kept until the day she died: their timers are due.
        assert await fire(dossier) == 2
        enrolment, details = await opened(dossier)
        assert (enrolment.holder.national_register_number, details.email) == (ERASED, ERASED)
        assert details.iban == IBAN
        view = await shown(dossier, griet)
        assert (view.national_register_number, view.email, view.iban) == ("erased", "erased", IBAN)

        clock.set(ends("financial", date(2026, 2, 20)))
        assert await fire(dossier) == 1

        assert (await opened(dossier))[1].iban == ERASED
        view = await shown(dossier, griet)
        assert (view.iban, view.membership_end, view.birth_date) == (
            "erased",
            "died",
            date(1979, 2, 14),
        )
