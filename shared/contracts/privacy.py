"""Contracts of the member's privacy rights (DOS-12; seed 002 §7; GDPR art. 12-22), kept by the
dossier: a request with its legal deadline, the copy of a person's data each service makes for
an access request, the restriction of processing and the consents.

A request is answered within one month of its receipt (GDPR art. 12(3)); the dossier keeps the
deadline with a durable timer and records `PrivacyRequestOverdue` when it passes unanswered,
which monitoring shows beside the complaint deadlines. An access (or portability) request is
answered by every service that holds personal data: each reads `PersonalDataRequested` and
records `PersonalDataExported` with its own part, sealed under the request (category
`export`) so that only the dossier, which assembles the copy, opens it; the request is answered
once every part is in. Rectification and erasure go through the dossier's own commands
(`ChangeContactDetails`, `ChangeAddress`, `ErasePerson`) once member services decided; a human
review of an automated decision is a task for member services with the same deadline."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from shared.contracts.registry import Command, Event, commands, events
from shared.privacy.marking import Personal

MEMBER_SERVICES = frozenset({"member_services", "admin"})

# The rights of seed 002 §7 a person asks for (portability is answered as access: the copy is
# machine-readable JSON).
Right = Literal["access", "rectification", "erasure", "restriction", "objection", "human_review"]

# The automated decisions a person may ask a human to review (DOS-12): the entitlement codes
# (CG1/CG2), the increased reimbursement (VT), the maximum bill (MAF), access to a person's file.
AutomatedDecision = Literal["entitlement", "increased_reimbursement", "maximum_bill", "access"]

# What a person consents to, and may withdraw (seed 001: the inbox; notifications by e-mail or
# text message).
Purpose = Literal["inbox", "email_notifications", "sms_notifications"]

# What the person wrote with their request: sealed under their person id (what they wrote to the
# fund is kept as correspondence, the `complaint` category's retention).
Written = Annotated[str, Field(min_length=1, max_length=2000), Personal("complaint")]


# --- commands -----------------------------------------------------------------------------------


@commands.register
class SubmitPrivacyRequest(Command):
    """A person exercises a right (DOS-12): a member for a person they may act on (the handler
    checks), member services for what arrived at the desk or by letter."""

    type_name = "SubmitPrivacyRequest"
    allowed_roles = MEMBER_SERVICES | {"member"}

    person_id: str = Field(min_length=1, max_length=64)
    right: Right
    details: str | None = Field(None, min_length=1, max_length=2000)
    # For a human review: which automated decision.
    decision: AutomatedDecision | None = None


@commands.register
class AnswerPrivacyRequest(Command):
    """Member services answer a request other than access: granted (and done through the
    commands it needs) or refused with the reason the person is told (GDPR art. 12(4))."""

    type_name = "AnswerPrivacyRequest"
    allowed_roles = MEMBER_SERVICES

    request_id: str = Field(min_length=1, max_length=64)
    granted: bool
    motivation: str = Field(min_length=1, max_length=2000)


@commands.register
class RestrictProcessing(Command):
    """GDPR art. 18, 21: the person's data is kept but not processed: no notifications, no
    automated decisions, until the restriction is lifted."""

    type_name = "RestrictProcessing"
    allowed_roles = MEMBER_SERVICES

    person_id: str = Field(min_length=1, max_length=64)
    request_id: str | None = Field(None, min_length=1, max_length=64)


@commands.register
class LiftRestriction(Command):
    type_name = "LiftRestriction"
    allowed_roles = MEMBER_SERVICES

    person_id: str = Field(min_length=1, max_length=64)


@commands.register
class GiveConsent(Command):
    """A member for a person they may act on, member services for a signed form."""

    type_name = "GiveConsent"
    allowed_roles = MEMBER_SERVICES | {"member"}

    person_id: str = Field(min_length=1, max_length=64)
    purpose: Purpose


@commands.register
class WithdrawConsent(Command):
    type_name = "WithdrawConsent"
    allowed_roles = MEMBER_SERVICES | {"member"}

    person_id: str = Field(min_length=1, max_length=64)
    purpose: Purpose


# --- events -------------------------------------------------------------------------------------


@events.register
class PrivacyRequestReceived(Event):
    """A request received, to be answered by `due_on` (one month, GDPR art. 12(3))."""

    type_name = "PrivacyRequestReceived"

    request_id: str
    person_id: str
    right: Right
    details: Written | None = None
    decision: AutomatedDecision | None = None
    due_on: date


@events.register
class PersonalDataRequested(Event):
    """Every service that holds personal data answers with its part (`PersonalDataExported`)."""

    type_name = "PersonalDataRequested"

    request_id: str
    person_id: str


@events.register
class PersonalDataExported(Event):
    """`service`'s part of the copy: what it holds of the person, as JSON, sealed under the
    request so that only the assembling service opens it."""

    type_name = "PersonalDataExported"

    request_id: str
    person_id: str
    service: str
    part: Annotated[dict[str, Any], Personal("export", subject="request_id")]


@events.register
class PrivacyRequestAnswered(Event):
    """`exported`: the copy is complete and can be downloaded; `granted`/`refused`: member
    services' answer, with the reason the person is told."""

    type_name = "PrivacyRequestAnswered"

    request_id: str
    person_id: str
    outcome: Literal["exported", "granted", "refused"]
    motivation: Written | None = None


@events.register
class PrivacyRequestOverdue(Event):
    """The month passed and the request is still unanswered (GDPR art. 12(3) breached)."""

    type_name = "PrivacyRequestOverdue"

    request_id: str
    person_id: str
    due_on: date


@events.register
class ProcessingRestricted(Event):
    type_name = "ProcessingRestricted"

    person_id: str
    request_id: str | None = None


@events.register
class ProcessingRestrictionLifted(Event):
    type_name = "ProcessingRestrictionLifted"

    person_id: str


@events.register
class ConsentGiven(Event):
    type_name = "ConsentGiven"

    person_id: str
    purpose: Purpose


@events.register
class ConsentWithdrawn(Event):
    type_name = "ConsentWithdrawn"

    person_id: str
    purpose: Purpose
