"""Contracts of the complaints service (klachtenprocedure, seed 004).

Commands name a complaint by its file number (dossiernummer), the number staff and the
complainant know. Every step of the procedure is a past-tense event on the complaint's stream;
every message to the complainant is a `ComplaintLetterSent` with its text."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from shared.contracts.dossier import legacy_person_id
from shared.contracts.registry import Command, Event, commands, events
from shared.privacy.marking import Personal

BRUSSELS = ZoneInfo("Europe/Brussels")

Language = Literal["nl", "fr", "de", "en"]
Channel = Literal["portal", "letter", "email", "phone", "desk"]
FileNumber = Annotated[str, Field(pattern=r"^\d{4}-\d{6,}$", description="dossiernummer")]


def _written(text: str) -> str:
    # Spaces alone pass a length check yet say nothing: a subject or answer nobody can read.
    if not text.strip():
        raise PydanticCustomError("blank", "must not be blank (only spaces)")
    return text


def _words(max_length: int):
    """Free text of at most `max_length` characters with something in it besides spaces."""
    schema = {"pattern": r"\S"}  # the validator's rule, for readers of the JSON Schema
    return Annotated[
        str,
        Field(min_length=1, max_length=max_length, json_schema_extra=schema),
        AfterValidator(_written),
    ]


Line = _words(200)
Text = _words(20_000)

# What a complaint is about, for the yearly report (CMP-9).
Category = Literal[
    "reimbursement",  # terugbetalingen
    "benefits",  # uitkeringen
    "supplementary_benefits",  # aanvullende voordelen
    "hospitalisation_insurance",
    "membership",  # aansluiting, ledenbijdrage
    "service",  # onthaal, telefoon, wachttijden
    "privacy",
    "other",
]
# The fund's (or the mediator's) judgement of a complaint it handled (CMP-6, CMP-7).
Verdict = Literal["founded", "partly_founded", "unfounded"]
Outcome = Literal["founded", "partly_founded", "unfounded", "inadmissible"]
# CMP-1: what the fund does not handle.
InadmissibilityGround = Literal["anonymous", "unrelated_to_fund"]
DutyKind = Literal["acknowledgement", "status_update"]
LetterKind = Literal[
    "acknowledgement",
    "inadmissibility",
    "information_request",
    "status",
    "answer",
    "mediator_answer",
]

STAFF = frozenset({"complaints_handler"})

# What a complaint says of its complainant and what they and the fund wrote (principle 7):
# sealed per complaint, so erasing a complainant shreds the keys of their complaints.
Identifying = Annotated[str, Personal("identification", subject="complaint_id")]
Reachable = Annotated[str, Personal("contact", subject="complaint_id")]
Written = Annotated[str, Personal("complaint", subject="complaint_id")]


class Reference(BaseModel):
    """What the complaint refers to (CMP-1): a payment, a decision or a contact, named freely
    (a payment's reference, a decision's date, whom the complainant spoke to)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["payment", "decision", "contact", "other"]
    text: Annotated[Line, Personal("complaint", subject="complaint_id")]


# --- commands -----------------------------------------------------------------------------------


@commands.register
class RegisterComplaint(Command):
    """Record a complaint received through any channel (CMP-2). A member files their own, in
    their own name, through the portal (CMP-11): the service sets the person, channel and
    receipt time for them and refuses a member's command that states them otherwise;
    `complainant_name` is then the name the member signs with. Staff give `received_at` for
    what arrived earlier (a letter): neither in the future nor more than a year back."""

    type_name = "RegisterComplaint"
    allowed_roles = frozenset({"complaints_handler", "member_services", "admin", "member"})

    complainant_name: Line
    complainant_email: EmailStr | None = None
    # The complainant's person id (the dossier's), when known: they may then act on it.
    complainant_person: str | None = Field(None, min_length=1, max_length=64)
    member_number: str | None = Field(None, max_length=40)
    # The complainant did not make themselves known (an unsigned letter, a nameless call).
    anonymous: bool = False
    language: Language = "nl"
    channel: Channel = "letter"
    category: Category | None = None
    subject: Line
    description: Text
    reference: Reference | None = None
    received_at: AwareDatetime | None = None


class _OnFile(Command):
    file_number: FileNumber


@commands.register
class AssignComplaint(_OnFile):
    """Give the file to a complaints handler; deadline reminders go to them."""

    type_name = "AssignComplaint"
    allowed_roles = STAFF

    handler: str = Field(min_length=1, max_length=64, description="the handler's account id")


@commands.register
class AcknowledgeComplaint(_OnFile):
    """Send the acknowledgement of receipt, with the file number (CMP-2, CMP-3)."""

    type_name = "AcknowledgeComplaint"
    allowed_roles = STAFF


@commands.register
class DecideAdmissibility(_OnFile):
    """Admissible: the analysis starts. Inadmissible (CMP-1, CMP-4): a written, motivated
    answer, and the file is closed."""

    type_name = "DecideAdmissibility"
    allowed_roles = STAFF

    admissible: bool
    category: Category | None = None
    ground: InadmissibilityGround | None = None
    motivation: Text | None = None

    @model_validator(mode="after")
    def _inadmissible_is_motivated(self) -> DecideAdmissibility:
        if not self.admissible and (self.ground is None or self.motivation is None):
            raise ValueError("an inadmissible complaint needs a ground and a motivation")
        if self.admissible and self.ground is not None:
            raise ValueError("an admissible complaint has no ground of inadmissibility")
        return self


@commands.register
class RequestInformation(_OnFile):
    """Ask the complainant for information; the status-message clock pauses (CMP-5)."""

    type_name = "RequestInformation"
    allowed_roles = STAFF

    question: Text


@commands.register
class ReceiveInformation(_OnFile):
    """The complainant's information arrived; the status-message clock runs on."""

    type_name = "ReceiveInformation"
    allowed_roles = STAFF

    summary: Text | None = None


@commands.register
class SendStatusUpdate(_OnFile):
    """Tell the complainant how the analysis stands; the 3-week period starts again (CMP-5)."""

    type_name = "SendStatusUpdate"
    allowed_roles = STAFF

    note: Text


@commands.register
class AnswerComplaint(_OnFile):
    """The fund's motivated answer, possibly with advice (CMP-6)."""

    type_name = "AnswerComplaint"
    allowed_roles = STAFF

    verdict: Verdict
    motivation: Text
    advice: Text | None = None


@commands.register
class EscalateToMediator(_OnFile):
    """The complainant disagrees with the answer: the federation's national complaints
    mediator re-examines the file (CMP-7). The complainant sends it, or staff record the
    disagreement they received."""

    type_name = "EscalateToMediator"
    allowed_roles = frozenset({"member", "complaints_handler", "member_services", "mediator"})

    disagreement: Text


@commands.register
class AnswerAsMediator(_OnFile):
    """The national complaints mediator's answer after re-examining the file (CMP-7)."""

    type_name = "AnswerAsMediator"
    allowed_roles = frozenset({"mediator"})

    verdict: Verdict
    motivation: Text
    advice: Text | None = None


@commands.register
class CloseComplaint(_OnFile):
    """Close the answered file (CMP-8)."""

    type_name = "CloseComplaint"
    allowed_roles = frozenset({"complaints_handler", "mediator"})


@commands.register
class RecordRecommendation(_OnFile):
    """What the fund should do better, learnt from the complaint (CMP-9)."""

    type_name = "RecordRecommendation"
    allowed_roles = frozenset({"complaints_handler", "mediator"})

    recommendation: Text


# --- events -------------------------------------------------------------------------------------


@events.register
class ComplaintFileNumberIssued(Event):
    """A file number (dossiernummer) was taken from a year's register; never reused."""

    type_name = "ComplaintFileNumberIssued"

    complaint_id: str
    year: int
    sequence: int = Field(ge=1)
    file_number: str


@events.register
class ComplaintRegistered(Event):
    """A complaint was registered under a unique file number (CMP-2).

    v2 replaced v1's calendar date `received_on` with the instant `received_at`: deadlines
    such as the 8-day acknowledgement (CMP-3) are counted from it. v3 added who the
    complainant is (`complainant_person`, `anonymous`), the `category` and made `reference`
    typed. v4 names the complainant's person by person id, no longer by national register
    number."""

    type_name = "ComplaintRegistered"
    version = 4

    complaint_id: str
    file_number: str
    complainant_name: Identifying
    complainant_email: Reachable | None = None
    complainant_person: Identifying | None = None
    member_number: Identifying | None = None
    anonymous: bool = False
    language: Language
    channel: Channel
    category: Category | None = None
    subject: Written
    description: Written
    reference: Reference | None = None
    received_at: AwareDatetime


@events.upcaster("ComplaintRegistered", from_version=1)
def _received_on_becomes_received_at(payload: dict[str, Any]) -> dict[str, Any]:
    # A v1 date meant "received that day in Brussels": the start of that day is the instant.
    received_on = date.fromisoformat(payload.pop("received_on"))
    payload["received_at"] = datetime.combine(received_on, time.min, BRUSSELS).isoformat()
    return payload


@events.upcaster("ComplaintRegistered", from_version=2)
def _reference_becomes_typed(payload: dict[str, Any]) -> dict[str, Any]:
    # A v2 reference was free text of unknown kind; v2 knew nothing of the complainant's person.
    if payload.get("reference") is not None:
        payload["reference"] = {"kind": "other", "text": payload["reference"]}
    payload.setdefault("complainant_person", None)
    payload.setdefault("anonymous", False)
    payload.setdefault("category", None)
    return payload


@events.upcaster("ComplaintRegistered", from_version=3)
def _complainant_by_person_id(payload: dict[str, Any]) -> dict[str, Any]:
    # A number stored in clear names the person the older events stand for; one sealed since
    # issue 10 cannot be read before it is opened, so the complaint loses its link to the
    # person's portal account (only complaints filed between the two changes).
    number = payload.get("complainant_person")
    payload["complainant_person"] = legacy_person_id(number) if isinstance(number, str) else None
    return payload


class _Complaint(Event):
    complaint_id: str


@events.register
class ComplaintAssigned(_Complaint):
    type_name = "ComplaintAssigned"

    handler: str


@events.register
class ComplaintAcknowledged(_Complaint):
    """Receipt was acknowledged (CMP-3); `standard` when by the standard message the system
    sent at the missed deadline."""

    type_name = "ComplaintAcknowledged"

    standard: bool = False


@events.register
class ComplaintFoundAdmissible(_Complaint):
    """The analysis starts; the first status message is due on `status_update_due_on`."""

    type_name = "ComplaintFoundAdmissible"

    category: Category
    status_update_due_on: date


@events.register
class ComplaintFoundInadmissible(_Complaint):
    """The fund does not handle the complaint (CMP-1, CMP-4)."""

    type_name = "ComplaintFoundInadmissible"

    ground: InadmissibilityGround
    motivation: Written


@events.register
class InformationRequested(_Complaint):
    """The file waits on the complainant; `status_update_days_left` is kept for later."""

    type_name = "InformationRequested"

    question: Written
    status_update_days_left: int = Field(ge=0)


@events.register
class InformationReceived(_Complaint):
    type_name = "InformationReceived"

    summary: Written | None = None
    status_update_due_on: date


@events.register
class StatusUpdateSent(_Complaint):
    """The handler told the complainant how the analysis stands (CMP-5)."""

    type_name = "StatusUpdateSent"

    period: int = Field(ge=1)
    next_due_on: date


@events.register
class ComplaintAnswered(_Complaint):
    """The fund's motivated answer (CMP-6)."""

    type_name = "ComplaintAnswered"

    verdict: Verdict
    motivation: Written
    advice: Written | None = None


@events.register
class ComplaintEscalatedToMediator(_Complaint):
    """The complainant disagreed; the national complaints mediator re-examines (CMP-7)."""

    type_name = "ComplaintEscalatedToMediator"

    disagreement: Written


@events.register
class MediatorAnswered(_Complaint):
    type_name = "MediatorAnswered"

    verdict: Verdict
    motivation: Written
    advice: Written | None = None


@events.register
class ComplaintClosed(_Complaint):
    """The file is closed (CMP-8) with its final outcome."""

    type_name = "ComplaintClosed"

    outcome: Outcome


@events.register
class RecommendationRecorded(_Complaint):
    """CMP-9."""

    type_name = "RecommendationRecorded"

    recommendation: str


@events.register
class HandlerReminded(_Complaint):
    """A deadline comes near and the duty is not done (CMP-12); `assignee` None: the team."""

    type_name = "HandlerReminded"

    duty: DutyKind
    period: int = Field(ge=1)
    due_on: date
    assignee: str | None = None


@events.register
class AcknowledgementOverdue(_Complaint):
    """CMP-3 breached: no acknowledgement by the end of `due_on` (CMP-12)."""

    type_name = "AcknowledgementOverdue"

    due_on: date
    assignee: str | None = None


@events.register
class StatusUpdateOverdue(_Complaint):
    """CMP-5 breached: no status message in the period ending `due_on` (CMP-12)."""

    type_name = "StatusUpdateOverdue"

    period: int = Field(ge=1)
    due_on: date
    next_due_on: date
    assignee: str | None = None


@events.register
class ComplaintLetterSent(_Complaint):
    """A message to the complainant, in the language it is written in. `standard`: the
    system's own message at a missed deadline, so that nobody waits unanswered."""

    type_name = "ComplaintLetterSent"

    file_number: str
    kind: LetterKind
    language: Literal["nl", "fr"]
    text: Written
    standard: bool = False


@events.register
class ComplainantErased(_Complaint):
    """The complainant was erased (DOS-12): the keys of what the complaint holds of them and of
    what they wrote were shredded. The complaint stays as structure (its dates, status and
    deadlines); what it said reads as erased."""

    type_name = "ComplainantErased"
