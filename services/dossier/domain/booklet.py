"""A member booklet (lidboekje): its holder and dependants, what each of them said about the
processing of their data (a restriction, consents: DOS-12), what the fund records of their
care (their GMD, DOS-4; medical agreements, DOS-5), and the Neutra insurance each holds
(DOS-8). Pure decisions; no I/O: the handlers load and save it through their repository
(shared.aggregate).

The restriction and the consents are kept here, on the booklet that knows the person, rather
than on an aggregate of their own: a person erased from the booklet can no longer be
restricted or consent, and their events travel on the booklet's partition, after the
enrolment that tells other services (identity) who the person is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from services.dossier.domain import care, insurance_records
from services.dossier.domain.care import Gmd
from shared.aggregate import Aggregate
from shared.contracts import Event
from shared.contracts.care import (
    EndGmd,
    GmdEnded,
    GmdRecorded,
    MedicalAgreementRecorded,
    RecordGmd,
    RecordMedicalAgreement,
)
from shared.contracts.dossier import (
    AddressChanged,
    ChangeAddress,
    ChangeContactDetails,
    ChangeEntitlement,
    ContactDetailsChanged,
    DependantAdded,
    EndMembership,
    Entitlement,
    EntitlementChanged,
    MemberDied,
    MemberEmigrated,
    MemberEnrolled,
    MemberLeft,
    Person,
    PersonErased,
    RetentionEnded,
)
from shared.contracts.insurance import (
    EndInsurance,
    InsuranceEnded,
    InsuranceSubscribed,
    SubscribeToInsurance,
)
from shared.contracts.privacy import (
    ConsentGiven,
    ConsentWithdrawn,
    ProcessingRestricted,
    ProcessingRestrictionLifted,
    Purpose,
)
from shared.identifiers import birth_date_of
from shared.insurance.cover import Subscription
from shared.privacy.marking import Category
from shared.refusal import Refused


class BookletError(Refused):
    """A decision the booklet refuses, with a reason fit for staff."""


@dataclass
class Booklet(Aggregate):
    booklet_id: str
    persons: dict[str, Person] = field(default_factory=dict)  # by person id
    # DOS-13: the day each person's membership ended, by person id; kept after an erasure, as
    # the retention of what the law keeps of them counts from it.
    ended: dict[str, date] = field(default_factory=dict)
    # (person id, category) whose retention ended: their keys are shredded.
    expired: set[tuple[str, Category]] = field(default_factory=set)
    # DOS-12: the persons whose data is restricted (GDPR art. 18, 21), and each person's
    # consents (GDPR art. 7(3): withdrawn at any time), by person id.
    restricted: set[str] = field(default_factory=set)
    consents: dict[str, set[Purpose]] = field(default_factory=dict)
    # DOS-4, DOS-5: each person's GMD, by person id, and the medical agreements, by their id
    # (as last recorded; the rules are in services.dossier.domain.care).
    gmds: dict[str, Gmd] = field(default_factory=dict)
    agreements: dict[str, MedicalAgreementRecorded] = field(default_factory=dict)
    # DOS-8: each person's last Neutra insurance, by person id (the rules are in
    # services.dossier.domain.insurance_records).
    insurances: dict[str, Subscription] = field(default_factory=dict)

    @classmethod
    def stream(cls, booklet_id: str) -> str:
        return f"booklet-{booklet_id}"

    def enrol(self, holder: Person, person_id: str) -> None:
        """`person_id`: the id the fund gives the holder from now on (opaque, never reused)."""
        if not self.is_new:
            raise BookletError(f"booklet {self.booklet_id!r} already exists")
        _birth_date_agrees(holder)
        _born_before_vt(holder)
        self.record(MemberEnrolled(booklet_id=self.booklet_id, person_id=person_id, holder=holder))

    def add_dependant(self, dependant: Person, person_id: str) -> None:
        if self.is_new:
            raise BookletError(f"no booklet {self.booklet_id!r}")
        if self.person_id_of(dependant.national_register_number) is not None:
            raise BookletError("this person is already on the booklet")
        _birth_date_agrees(dependant)
        _born_before_vt(dependant)
        self.record(
            DependantAdded(booklet_id=self.booklet_id, person_id=person_id, dependant=dependant)
        )

    def change_contact_details(self, change: ChangeContactDetails) -> None:
        person_id, _ = self._person(change.national_register_number)
        details = change.model_dump(
            exclude={"booklet_id", "national_register_number", "rectifies"}, exclude_none=True
        )
        if not details:
            raise BookletError("nothing to change: give an e-mail, phone or bank account")
        self.record(
            ContactDetailsChanged(
                booklet_id=self.booklet_id,
                person_id=person_id,
                rectifies=change.rectifies,
                **details,
            )
        )

    def change_address(self, change: ChangeAddress) -> None:
        person_id, person = self._person(change.national_register_number)
        if person.address == change.address:
            raise BookletError("nothing to change: this is already the person's address")
        self.record(
            AddressChanged(
                booklet_id=self.booklet_id,
                person_id=person_id,
                address=change.address,
                rectifies=change.rectifies,
            )
        )

    def change_entitlement(self, change: ChangeEntitlement) -> None:
        person_id, person = self._person(change.national_register_number)
        if change.since < person.birth_date:
            raise BookletError("an entitlement cannot apply from before the person's birth")
        entitlement = Entitlement(
            cg1=change.cg1,
            cg2=change.cg2,
            increased_reimbursement=change.increased_reimbursement,
            increased_reimbursement_since=_vt_start(person.entitlement, change),
        )
        if entitlement == person.entitlement:
            raise BookletError("nothing to change: the person has these codes and VT status")
        self.record(
            EntitlementChanged(
                booklet_id=self.booklet_id,
                person_id=person_id,
                entitlement=entitlement,
                since=change.since,
            )
        )

    def erase(self, national_register_number: str, restricted: Iterable[Category] = ()) -> str:
        """DOS-12: records the person's erasure, keeping the `restricted` categories the law
        keeps (DOS-13) unless their retention ended already; returns their id, whose other keys
        are to be shredded."""
        person_id, _ = self._person(national_register_number)
        kept = sorted(c for c in restricted if (person_id, c) not in self.expired)
        self.record(
            PersonErased(booklet_id=self.booklet_id, person_id=person_id, restricted=tuple(kept))
        )
        return person_id

    def end_membership(self, end: EndMembership, today: date) -> str:
        """DOS-13: records how and when the person's membership ended; returns their national
        register number, which may join the fund again as a new person."""
        person = self.persons.get(end.person_id)
        if person is None:
            raise BookletError(f"no such person on booklet {self.booklet_id!r}")
        if end.person_id in self.ended:
            ended = self.ended[end.person_id].isoformat()
            raise BookletError(f"this person's membership already ended on {ended}")
        if end.on > today:
            raise BookletError("a membership cannot end on a day still to come")
        if end.on < person.birth_date:
            raise BookletError("a membership cannot end before the person's birth")
        self.record(_membership_ended(self.booklet_id, end))
        return person.national_register_number

    def end_retention(self, person_id: str, category: Category) -> None:
        """DOS-13: the retention of the person's `category` data ended (once); also for an
        erased person, whose restricted records are kept until then."""
        if (person_id, category) not in self.expired:
            self.record(
                RetentionEnded(booklet_id=self.booklet_id, person_id=person_id, category=category)
            )

    def restrict_processing(self, person_id: str, request_id: str | None = None) -> None:
        """GDPR art. 18, 21: the person's data is kept, not processed (no notifications, no
        automated decisions) until the restriction is lifted."""
        self._known(person_id)
        if person_id in self.restricted:
            raise BookletError("the processing of this person's data is restricted already")
        self.record(ProcessingRestricted(person_id=person_id, request_id=request_id))

    def lift_restriction(self, person_id: str) -> None:
        self._known(person_id)
        if person_id not in self.restricted:
            raise BookletError("the processing of this person's data is not restricted")
        self.record(ProcessingRestrictionLifted(person_id=person_id))

    def give_consent(self, person_id: str, purpose: Purpose) -> None:
        self._known(person_id)
        if purpose in self.consents.get(person_id, set()):
            raise BookletError(f"this person has consented to {purpose} already")
        self.record(ConsentGiven(person_id=person_id, purpose=purpose))

    def withdraw_consent(self, person_id: str, purpose: Purpose) -> None:
        self._known(person_id)
        if purpose not in self.consents.get(person_id, set()):
            raise BookletError(f"this person has not consented to {purpose}")
        self.record(ConsentWithdrawn(person_id=person_id, purpose=purpose))

    def record_gmd(self, command: RecordGmd) -> None:
        """DOS-4: the GP holding the person's GMD; at another GP, the GMD moved there."""
        person_id, person = self._person(command.national_register_number)
        current = self.gmds.get(person_id)
        self.record(care.gmd_recorded(self.booklet_id, person_id, person, current, command))

    def end_gmd(self, command: EndGmd) -> None:
        person_id, _ = self._person(command.national_register_number)
        self.record(care.gmd_ended(self.booklet_id, person_id, self.gmds.get(person_id), command))

    def record_medical_agreement(self, command: RecordMedicalAgreement) -> None:
        """DOS-5: a new agreement of the advising physician, or what became of one."""
        person_id, person = self._person(command.national_register_number)
        current = self.agreements.get(command.agreement_id)
        self.record(care.agreement_recorded(self.booklet_id, person_id, person, current, command))

    def subscribe_to_insurance(self, command: SubscribeToInsurance, in_order: bool) -> None:
        """DOS-8: a first Neutra insurance, a return to one, or a switch to another product;
        `in_order`: the household pays what it is invoiced (DOS-3)."""
        person_id, _ = self._person(command.national_register_number)
        current, ended = self.insurances.get(person_id), self.ended.get(person_id)
        for event in insurance_records.subscribed(
            self.booklet_id, person_id, current, command, ended, in_order
        ):
            self.record(event)

    def end_insurance(self, command: EndInsurance) -> None:
        person_id, _ = self._person(command.national_register_number)
        current = self.insurances.get(person_id)
        self.record(insurance_records.ended(self.booklet_id, current, command))

    def person_id_of(self, national_register_number: str) -> str | None:
        return next(
            (
                person_id
                for person_id, person in self.persons.items()
                if person.national_register_number == national_register_number
            ),
            None,
        )

    def _known(self, person_id: str) -> None:
        if person_id not in self.persons:
            raise BookletError(f"no such person on booklet {self.booklet_id!r}")

    def _person(self, national_register_number: str) -> tuple[str, Person]:
        person_id = self.person_id_of(national_register_number)
        if person_id is None:
            raise BookletError(f"no such person on booklet {self.booklet_id!r}")
        return person_id, self.persons[person_id]

    def apply(self, event: Event) -> None:
        match event:
            case (
                MemberEnrolled(person_id=person_id, holder=person)
                | DependantAdded(person_id=person_id, dependant=person)
            ):
                self.persons[person_id] = person
            case AddressChanged(person_id=person_id, address=address):
                self._update(person_id, address=address)
            case EntitlementChanged(person_id=person_id, entitlement=entitlement):
                self._update(person_id, entitlement=entitlement)
            case (
                MemberLeft(person_id=person_id, on=on)
                | MemberDied(person_id=person_id, on=on)
                | MemberEmigrated(person_id=person_id, on=on)
            ):
                self.ended[person_id] = on
            case RetentionEnded(person_id=person_id, category=category):
                self.expired.add((person_id, category))
            case PersonErased(person_id=person_id):
                del self.persons[person_id]  # nothing more is decided about them
                self.restricted.discard(person_id)
                self.consents.pop(person_id, None)
                self.gmds.pop(person_id, None)
                self.insurances.pop(person_id, None)
                self.agreements = {
                    k: a for k, a in self.agreements.items() if a.person_id != person_id
                }
            case ProcessingRestricted(person_id=person_id):
                self.restricted.add(person_id)
            case ProcessingRestrictionLifted(person_id=person_id):
                self.restricted.discard(person_id)
            case ConsentGiven(person_id=person_id, purpose=purpose):
                self.consents.setdefault(person_id, set()).add(purpose)
            case ConsentWithdrawn(person_id=person_id, purpose=purpose):
                self.consents.get(person_id, set()).discard(purpose)
            case GmdRecorded(person_id=person_id):
                self.gmds[person_id] = Gmd.of(event)
            case GmdEnded(person_id=person_id, end_date=end_date) if person_id in self.gmds:
                self.gmds[person_id] = replace(self.gmds[person_id], end_date=end_date)
            case MedicalAgreementRecorded(agreement_id=agreement_id):
                self.agreements[agreement_id] = event
            case InsuranceSubscribed(person_id=person_id):
                self.insurances[person_id] = insurance_records.subscription_of(event)
            case InsuranceEnded(person_id=person_id) if person_id in self.insurances:
                current = self.insurances[person_id]
                self.insurances[person_id] = insurance_records.with_end(current, event)

    def _update(self, person_id: str, **changes) -> None:
        self.persons[person_id] = self.persons[person_id].model_copy(update=changes)


def _membership_ended(booklet_id: str, end: EndMembership) -> Event:
    ended = {"booklet_id": booklet_id, "person_id": end.person_id, "on": end.on}
    match end.reason:
        case "left":
            return MemberLeft(**ended, to_fund=end.to_fund)
        case "died":
            return MemberDied(**ended)
        case "emigrated":
            return MemberEmigrated(**ended)


def _birth_date_agrees(person: Person) -> None:
    # A national register number carries the birth date; a one-digit typo can still pass its
    # check digits by moving the birth a century (85 ↔ 91 ...), so the two must agree.
    encoded = birth_date_of(person.national_register_number)
    if encoded is not None and encoded != person.birth_date:
        raise BookletError("the birth date does not match the national register number")


def _born_before_vt(person: Person) -> None:
    start = person.entitlement and person.entitlement.increased_reimbursement_since
    if start and start < person.birth_date:
        raise BookletError("increased reimbursement (VT) cannot start before the person's birth")


def _vt_start(current: Entitlement | None, change: ChangeEntitlement) -> date | None:
    if not change.increased_reimbursement:
        return None
    if current is not None and current.increased_reimbursement_since is not None:
        # VT that stays granted runs on from the earlier of its start and this decision.
        return min(current.increased_reimbursement_since, change.since)
    return change.since
