"""DOS-4, DOS-5: the rules of what the booklet records of a person's care, their GMD (globaal
medisch dossier) and the advising physician's medical agreements. Pure: each rule takes what
the booklet knows and the command, and returns the event to record or refuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contracts.care import (
    EndGmd,
    GmdEnded,
    GmdRecorded,
    MedicalAgreementRecorded,
    RecordGmd,
    RecordMedicalAgreement,
)
from shared.contracts.dossier import Person
from shared.refusal import Refused

# Where an agreement may go from each status: a request is decided, a granted agreement may
# change its period and ends; a refused or ended one is final.
NEXT_STATUS: dict[str, frozenset[str]] = {
    "requested": frozenset({"requested", "granted", "refused"}),
    "granted": frozenset({"granted", "ended"}),
    "refused": frozenset(),
    "ended": frozenset(),
}


class CareError(Refused):
    """A record of care the booklet refuses, with a reason fit for staff."""


@dataclass(frozen=True)
class Gmd:
    """A person's GMD as the booklet knows it: the last one recorded, open or ended."""

    gp_riziv_number: str
    gp_name: str
    start_date: date
    advantage: str
    end_date: date | None = None

    @classmethod
    def of(cls, recorded: GmdRecorded) -> Gmd:
        return cls(
            recorded.gp_riziv_number, recorded.gp_name, recorded.start_date, recorded.advantage
        )


def gmd_recorded(
    booklet_id: str, person_id: str, person: Person, current: Gmd | None, command: RecordGmd
) -> GmdRecorded:
    if command.start_date < person.birth_date:
        raise CareError("a GMD cannot start before the person's birth")
    recorded = GmdRecorded(
        booklet_id=booklet_id,
        person_id=person_id,
        **command.model_dump(include={"gp_riziv_number", "gp_name", "start_date", "advantage"}),
    )
    if current is None:
        return recorded
    if current.end_date is not None:
        if command.start_date <= current.end_date:
            ended = current.end_date.isoformat()
            raise CareError(f"a new GMD starts after the last one ended, on {ended}")
        return recorded
    if Gmd.of(recorded) == current:
        raise CareError("nothing to change: this GMD is on record already")
    moved = command.gp_riziv_number != current.gp_riziv_number
    if moved and command.start_date < current.start_date:
        since = current.start_date.isoformat()
        raise CareError(f"the GMD moves to another GP on or after {since}, when it started")
    return recorded


def gmd_ended(booklet_id: str, person_id: str, current: Gmd | None, command: EndGmd) -> GmdEnded:
    if current is None:
        raise CareError("this person has no GMD on record")
    if current.end_date is not None:
        raise CareError(f"this person's GMD ended already, on {current.end_date.isoformat()}")
    if command.end_date < current.start_date:
        started = current.start_date.isoformat()
        raise CareError(f"a GMD cannot end before it started, on {started}")
    return GmdEnded(booklet_id=booklet_id, person_id=person_id, end_date=command.end_date)


def agreement_recorded(
    booklet_id: str,
    person_id: str,
    person: Person,
    current: MedicalAgreementRecorded | None,
    command: RecordMedicalAgreement,
) -> MedicalAgreementRecorded:
    if command.valid_from < person.birth_date:
        raise CareError("an agreement cannot start before the person's birth")
    recorded = MedicalAgreementRecorded(
        booklet_id=booklet_id,
        person_id=person_id,
        **command.model_dump(exclude={"booklet_id", "national_register_number"}),
    )
    if current is None:
        return recorded
    agreement = repr(command.agreement_id)
    if current.person_id != person_id:
        raise CareError(f"agreement {agreement} is another person's")
    if current.nomenclature_code != command.nomenclature_code:
        # Not naming the code: a refusal's reason is logged, and the code is health data.
        raise CareError(
            f"agreement {agreement} is about another code: "
            "a decision about another code is another agreement"
        )
    if recorded == current:
        raise CareError("nothing to change: the agreement is on record as it is")
    if command.status not in NEXT_STATUS[current.status]:
        final = "" if NEXT_STATUS[current.status] else " (final: a new request is a new agreement)"
        raise CareError(
            f"agreement {agreement} is {current.status}: it cannot become {command.status}{final}"
        )
    return recorded
