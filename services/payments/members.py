"""Who the fund's members are, as payments learns it from the dossier's events (never by
asking the dossier): whose certificate a national register number names, on which booklet
(the household of the maximum bill), their age and language, whether they had increased
reimbursement (VT) on a day, and the account they are paid on.

`Members` is the adapter over payments' own tables of them: a handler asks its unit of work
for it (`ctx.uow.view(Members)`), a route builds it on its connection."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    MetaData,
    String,
    Table,
    and_,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import EventEnvelope, events
from shared.contracts.care import GmdEnded, GmdRecorded, MedicalAgreementRecorded
from shared.contracts.dossier import (
    ContactDetailsChanged,
    DependantAdded,
    EntitlementChanged,
    MemberEnrolled,
    Person,
)
from shared.eventstore import UnitOfWork
from shared.eventstore.database import one_of
from shared.privacy.marking import opened

metadata = MetaData()

members = Table(
    "members",
    metadata,
    Column("person_id", String(64), primary_key=True),
    # Null once the person is erased, or when this service may not open it.
    Column("national_register_number", String(11), index=True),
    Column("booklet_id", String(64), nullable=False, index=True),
    Column("role", String(16), nullable=False),  # holder | dependant
    Column("birth_date", Date, nullable=False),
    Column("language", String(2), nullable=False),
    Column("regional_fund", String(64)),
    Column("name", String(201)),
    Column("iban", String(34)),
    Column("bic", String(11)),
)

# The VT status from a day on (EntitlementChanged.since); a person's status on a day is the
# row with the latest `since` on or before it.
entitlements = Table(
    "member_entitlements",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("since", Date, primary_key=True),
    Column("increased_reimbursement", Boolean, nullable=False),
)


# GMDs (DOS-4): which GP held a person's GMD from when to when (end: the last day; null:
# still open). A GMD moving to another GP ends the previous one the day before.
gmds = Table(
    "member_gmds",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("start_date", Date, primary_key=True),
    Column("gp_riziv_number", String(11), nullable=False),
    Column("end_date", Date),
)

# The advising physician's agreements (DOS-5): the last record of each wins.
agreements = Table(
    "member_agreements",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("agreement_id", String(64), primary_key=True),
    Column("code", String(6), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("status", String(16), nullable=False),
)


@dataclass(frozen=True)
class Gmd:
    gp_riziv_number: str
    start: date
    end: date | None

    def held_by(self, provider_riziv_number: str, on: date) -> bool:
        """The provider holds this GMD on `on`. A RIZIV number's last three digits are the
        qualification: the same physician with another one is the same GP."""
        same_gp = self.gp_riziv_number[:8] == provider_riziv_number[:8]
        return same_gp and self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Agreement:
    code: str
    valid_from: date
    valid_to: date | None
    status: str

    def covers(self, code: str, on: date) -> bool:
        within = self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)
        return self.code == code and within and self.status in ("granted", "ended")


# A person enrolled without VT had none from before any care the fund reimburses.
SINCE_ENROLMENT = date(1900, 1, 1)


@dataclass(frozen=True)
class Member:
    person_id: str
    national_register_number: str | None
    booklet_id: str
    role: str
    birth_date: date
    language: str
    regional_fund: str | None
    name: str | None
    iban: str | None
    bic: str | None

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# Members read in their fields' order and made positionally: an import's batch reads
# thousands, and making each from its row's mapping cost more than reading them (py-spy).
_MEMBERS = select(*(members.c[f.name] for f in fields(Member)))


DOSSIER_EVENTS = {
    "MemberEnrolled",
    "DependantAdded",
    "ContactDetailsChanged",
    "EntitlementChanged",
    "GmdRecorded",
    "GmdEnded",
    "MedicalAgreementRecorded",
}


async def apply_dossier_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if envelope.type not in DOSSIER_EVENTS:
        return
    known = uow.view(Members)
    match events.decode(envelope):
        case MemberEnrolled(booklet_id=booklet_id, person_id=person_id, holder=person):
            await known.admit(booklet_id, person_id, "holder", person)
        case DependantAdded(booklet_id=booklet_id, person_id=person_id, dependant=person):
            await known.admit(booklet_id, person_id, "dependant", person)
        case ContactDetailsChanged(person_id=person_id, iban=iban, bic=bic) if iban:
            await known.pay_to(person_id, opened(iban), opened(bic))
        case EntitlementChanged(person_id=person_id, entitlement=entitlement, since=since):
            await known.entitle(person_id, since, entitlement.increased_reimbursement)
        case GmdRecorded(person_id=person_id, gp_riziv_number=gp, start_date=start):
            if (gp := opened(gp)) is not None:
                await known.gmd_held(person_id, gp, start)
        case GmdEnded(person_id=person_id, end_date=end):
            await known.gmd_ended(person_id, end)
        case MedicalAgreementRecorded() as agreement:
            if (code := opened(agreement.nomenclature_code)) is not None:
                await known.agreed(agreement, code)


class Members:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def find(self, national_register_number: str) -> Member | None:
        query = _MEMBERS.where(members.c.national_register_number == national_register_number)
        row = (await self.conn.execute(query)).first()
        return Member(*row) if row else None

    async def find_all(self, numbers: set[str]) -> dict[str, Member]:
        """The members of these national register numbers, by number (an import's batch)."""
        query = _MEMBERS.where(one_of(self.conn, members.c.national_register_number, numbers))
        return {
            row.national_register_number: Member(*row) for row in await self.conn.execute(query)
        }

    async def get(self, person_id: str) -> Member | None:
        row = (await self.conn.execute(_MEMBERS.where(members.c.person_id == person_id))).first()
        return Member(*row) if row else None

    async def get_all(self, person_ids: set[str]) -> dict[str, Member]:
        query = _MEMBERS.where(one_of(self.conn, members.c.person_id, person_ids))
        return {row.person_id: Member(*row) for row in await self.conn.execute(query)}

    async def holder_of(self, booklet_id: str) -> Member | None:
        query = _MEMBERS.where(members.c.booklet_id == booklet_id, members.c.role == "holder")
        row = (await self.conn.execute(query)).first()
        return Member(*row) if row else None

    async def holders_of(self, booklet_ids: set[str]) -> dict[str, Member]:
        """The holder of each of these booklets, by booklet id."""
        query = _MEMBERS.where(
            one_of(self.conn, members.c.booklet_id, booklet_ids), members.c.role == "holder"
        )
        return {row.booklet_id: Member(*row) for row in await self.conn.execute(query)}

    async def household(self, booklet_id: str) -> list[Member]:
        return (await self.households({booklet_id}))[booklet_id]

    async def households(self, booklet_ids: set[str]) -> dict[str, list[Member]]:
        """The persons of each booklet, read at once (a batch's households)."""
        found: dict[str, list[Member]] = {b: [] for b in booklet_ids}
        query = _MEMBERS.where(one_of(self.conn, members.c.booklet_id, booklet_ids))
        for row in await self.conn.execute(query):
            found[row.booklet_id].append(Member(*row))
        return found

    async def entitlement_history(self, person_ids: set[str]) -> dict[str, list[tuple[date, bool]]]:
        """Per person, their VT status from each day it changed on, in order."""
        rows = await self.conn.execute(
            select(entitlements)
            .where(one_of(self.conn, entitlements.c.person_id, person_ids))
            .order_by(entitlements.c.person_id, entitlements.c.since)
        )
        history: dict[str, list[tuple[date, bool]]] = {}
        for row in rows:
            history.setdefault(row.person_id, []).append((row.since, row.increased_reimbursement))
        return history

    async def gmds(self, person_ids: set[str]) -> dict[str, list[Gmd]]:
        query = (
            select(gmds)
            .where(one_of(self.conn, gmds.c.person_id, person_ids))
            .order_by(gmds.c.start_date)
        )
        found: dict[str, list[Gmd]] = {}
        for row in await self.conn.execute(query):
            found.setdefault(row.person_id, []).append(
                Gmd(row.gp_riziv_number, row.start_date, row.end_date)
            )
        return found

    async def agreements(self, person_ids: set[str]) -> dict[str, list[Agreement]]:
        query = select(agreements).where(one_of(self.conn, agreements.c.person_id, person_ids))
        found: dict[str, list[Agreement]] = {}
        for row in await self.conn.execute(query):
            found.setdefault(row.person_id, []).append(
                Agreement(row.code, row.valid_from, row.valid_to, row.status)
            )
        return found

    async def gmd_held(self, person_id: str, gp: str, start: date) -> None:
        """The GMD at `gp` from `start`: the same GP's record corrected, or the GMD moved."""
        open_ = and_(gmds.c.person_id == person_id, gmds.c.end_date.is_(None))
        await self.conn.execute(
            update(gmds)
            .where(open_, gmds.c.start_date < start, gmds.c.gp_riziv_number != gp)
            .values(end_date=start - timedelta(days=1))
        )
        await self.conn.execute(
            delete(gmds).where(gmds.c.person_id == person_id, gmds.c.start_date >= start)
        )
        await self.conn.execute(
            insert(gmds).values(person_id=person_id, start_date=start, gp_riziv_number=gp)
        )

    async def gmd_ended(self, person_id: str, end: date) -> None:
        await self.conn.execute(
            update(gmds)
            .where(gmds.c.person_id == person_id, gmds.c.end_date.is_(None))
            .values(end_date=end)
        )

    async def agreed(self, agreement: MedicalAgreementRecorded, code: str) -> None:
        key = and_(
            agreements.c.person_id == agreement.person_id,
            agreements.c.agreement_id == agreement.agreement_id,
        )
        await self.conn.execute(delete(agreements).where(key))
        await self.conn.execute(
            insert(agreements).values(
                person_id=agreement.person_id,
                agreement_id=agreement.agreement_id,
                code=code,
                valid_from=agreement.valid_from,
                valid_to=agreement.valid_to,
                status=agreement.status,
            )
        )

    async def admit(self, booklet_id: str, person_id: str, role: str, person: Person) -> None:
        # The dossier keeps a person on one booklet, so a known person can only be a replay.
        if await self.get(person_id) is not None:
            return
        first, last = opened(person.first_name), opened(person.last_name)
        await self.conn.execute(
            insert(members).values(
                person_id=person_id,
                national_register_number=opened(person.national_register_number),
                booklet_id=booklet_id,
                role=role,
                birth_date=person.birth_date,
                language=person.language if person.language in ("nl", "fr") else "nl",
                regional_fund=person.regional_fund,
                name=f"{first} {last}" if first and last else None,
            )
        )
        entitlement = person.entitlement
        if entitlement is not None:
            await self.entitle(person_id, SINCE_ENROLMENT, False)
            if entitlement.increased_reimbursement:
                since = entitlement.increased_reimbursement_since or SINCE_ENROLMENT
                await self.entitle(person_id, since, True)

    async def pay_to(self, person_id: str, iban: str | None, bic: str | None) -> None:
        await self.conn.execute(
            update(members).where(members.c.person_id == person_id).values(iban=iban, bic=bic)
        )

    async def entitle(self, person_id: str, since: date, increased: bool) -> None:
        key = and_(entitlements.c.person_id == person_id, entitlements.c.since == since)
        await self.conn.execute(delete(entitlements).where(key))
        await self.conn.execute(
            insert(entitlements).values(
                person_id=person_id, since=since, increased_reimbursement=increased
            )
        )

    async def forget_care(self, person_id: str) -> None:
        """Their health data shredded (erased, or its retention ended): the GMD and medical
        agreements the dossier shared go too."""
        await self.conn.execute(delete(gmds).where(gmds.c.person_id == person_id))
        await self.conn.execute(delete(agreements).where(agreements.c.person_id == person_id))

    async def forget_identity(self, person_id: str) -> None:
        """Erased: nothing here names or reaches the person any more; what the law keeps of
        their payments stays under their person id."""
        await self.conn.execute(
            update(members)
            .where(members.c.person_id == person_id)
            .values(national_register_number=None, name=None, iban=None, bic=None)
        )
