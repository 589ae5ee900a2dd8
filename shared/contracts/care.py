"""Contracts of the dossier about a person's care (seed 000): their GMD (DOS-4) and the medical
agreements of the fund's advising physician (DOS-5). The dossier publishes these events; the
payments service reads them (a lower co-payment at the GMD's GP, a code paid under an
agreement).

Commands name the person by national register number, events by `person_id`, as the other
dossier contracts do. That a person has a GMD at a given GP, what advantage it gives (which
tells their age or a chronic condition), and which care an agreement is about, are health
data: sealed under the person (`Personal("health")`), readable by the services
shared/privacy/sharing.yaml entitles, erased with the person. Dates, statuses and ids stay in
clear, like the other events' structure."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.contracts.dossier import MEMBER_SERVICES
from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import Insz, NomenclatureCode, RizivNumber
from shared.privacy.marking import Personal

Health = Personal("health")

# DOS-4: what a GMD (globaal medisch dossier, dossier médical global) gives the person, by the
# rule that applies to them (KB/AR of 23 March 1982, art. 3; GVU-wet/loi SSI art. 37bis):
#   consultations: 30% less co-payment (remgeld, ticket modérateur) on their GP's
#     consultations, for a person under 75 without the status of chronic condition;
#   consultations_and_home_visits: the same on the GP's home visits too, from 75 years or
#     with the status of chronic condition (statuut chronische aandoening);
#   no_copayment: none at all on GPs' and specialists' consultations and visits, for a person
#     under 25 with increased reimbursement (VT, since 1 October 2023).
# The fund's own list of advantage types, as e-Mut names them, is not among the seeds: to be
# confirmed with it (the reduced co-payment of chronically ill children is not in this list).
GmdAdvantage = Literal["consultations", "consultations_and_home_visits", "no_copayment"]

# DOS-5: where an advising physician's decision stands.
AgreementStatus = Literal["requested", "granted", "refused", "ended"]


@commands.register
class RecordGmd(Command):
    """DOS-4: a GP opened, or took over, the person's GMD and notified the fund. A GMD recorded
    at another GP than the one holding it replaces it (the GMD moved), from its start date; at
    the same GP it corrects the record (the advantage changes at 75, say)."""

    type_name = "RecordGmd"
    # The GP notifies the fund (through MyCareNet in production); member services record it.
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz
    gp_riziv_number: RizivNumber = Field(description="the GP holding the GMD")
    gp_name: str = Field(min_length=1, max_length=100)
    start_date: date
    advantage: GmdAdvantage


@commands.register
class EndGmd(Command):
    """DOS-4: the person's GMD ended (not renewed, or closed by the GP) on `end_date`."""

    type_name = "EndGmd"
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz
    end_date: date


@commands.register
class RecordMedicalAgreement(Command):
    """DOS-5: an advising physician's decision about care under one nomenclature code (akkoord
    van de adviserend arts, accord du médecin-conseil): a new agreement, or what became of one
    on record (`agreement_id`). A request is granted or refused; a granted agreement may
    change its period, then ends; a refused or ended one is final (a new request is a new
    agreement)."""

    type_name = "RecordMedicalAgreement"
    # The identity service knows no advising physician's role yet: member services record it.
    allowed_roles = MEMBER_SERVICES

    booklet_id: str
    national_register_number: Insz
    agreement_id: str = Field(min_length=1, max_length=64)
    nomenclature_code: NomenclatureCode
    description: str = Field(min_length=1, max_length=200)
    valid_from: date
    valid_to: date | None = Field(default=None, description="the last day; none: open")
    status: AgreementStatus

    @model_validator(mode="after")
    def _a_period_that_ends_after_it_starts(self) -> RecordMedicalAgreement:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("an agreement cannot end before it starts")
        if self.status == "ended" and self.valid_to is None:
            raise ValueError("an ended agreement needs the day it ended (valid_to)")
        return self


@events.register
class GmdRecorded(Event):
    """DOS-4: the GP holding the person's GMD from `start_date`, and the advantage it gives;
    it replaces the GMD recorded before (at another GP: the GMD moved)."""

    type_name = "GmdRecorded"

    booklet_id: str
    person_id: str
    gp_riziv_number: Annotated[str, Health]
    gp_name: Annotated[str, Health]
    start_date: date
    advantage: Annotated[GmdAdvantage, Health]


@events.register
class GmdEnded(Event):
    """DOS-4: the person's GMD ended on `end_date` (its last day)."""

    type_name = "GmdEnded"

    booklet_id: str
    person_id: str
    end_date: date


@events.register
class MedicalAgreementRecorded(Event):
    """DOS-5: an advising physician's agreement as it now stands, whole: the last one recorded
    for an `agreement_id` replaces those before."""

    type_name = "MedicalAgreementRecorded"

    booklet_id: str
    person_id: str
    agreement_id: str
    nomenclature_code: Annotated[str, Health]
    description: Annotated[str, Health]
    valid_from: date
    valid_to: date | None = None
    status: AgreementStatus
