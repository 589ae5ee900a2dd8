"""The complaints' part of a person's copy (DOS-12): each complaint they filed as its events
tell it — its file number and dates, where it stands, its category, what they wrote (subject,
description, reference, the information they gave, their disagreement with the answer), the
answers and every letter sent to them. Not the fund's own workings: who handles it, reminders,
recommendations. A complaint whose complainant was erased is no longer theirs to show. Pure:
opened histories in, JSON out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.complaints.domain.complaint import Complaint
from shared.contracts import EventEnvelope, events
from shared.contracts.complaints import (
    ComplaintAcknowledged,
    ComplaintAnswered,
    ComplaintClosed,
    ComplaintEscalatedToMediator,
    ComplaintLetterSent,
    ComplaintRegistered,
    InformationReceived,
    InformationRequested,
    MediatorAnswered,
)


def part(complaints: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The part: empty when the person filed no complaint (or none is theirs any more)."""
    return {"complaints": list(complaints)} if complaints else {}


def complaint(history: Sequence[EventEnvelope]) -> dict[str, Any] | None:
    """One complaint from its stream's events; None if it is not registered, or its
    complainant was erased."""
    decoded = [(events.decode(envelope), envelope.occurred_at.isoformat()) for envelope in history]
    registered = next((e for e, _ in decoded if isinstance(e, ComplaintRegistered)), None)
    if registered is None:
        return None
    state = Complaint.rebuild(registered.complaint_id, history=[e for e, _ in decoded])
    if state.complainant_erased:
        return None
    shown = _registration(registered) | {
        "category": state.category,
        "status": state.status.value,
        "outcome": state.outcome,
        "information_requested": [],
        "information_given": [],
        "letters": [],
    }
    for event, at in decoded:
        match event:
            case ComplaintRegistered():
                shown["registered_at"] = at
            case ComplaintAcknowledged():
                shown["acknowledged_at"] = at
            case InformationRequested(question=question):
                shown["information_requested"].append({"at": at, "question": _text(question)})
            case InformationReceived(summary=summary):
                shown["information_given"].append({"at": at, "summary": _text(summary)})
            case ComplaintAnswered() | MediatorAnswered():
                by = "fund" if isinstance(event, ComplaintAnswered) else "mediator"
                shown[f"{by}_answer"] = _answer(event, at)
            case ComplaintEscalatedToMediator(disagreement=disagreement):
                shown["escalation"] = {"at": at, "disagreement": _text(disagreement)}
            case ComplaintClosed():
                shown["closed_at"] = at
            case ComplaintLetterSent():
                shown["letters"].append(_letter(event, at))
    return shown


def _registration(registered: ComplaintRegistered) -> dict[str, Any]:
    reference = registered.reference
    return {
        "file_number": registered.file_number,
        "received_at": registered.received_at.isoformat(),
        "channel": registered.channel,
        "language": registered.language,
        "anonymous": registered.anonymous,
        "complainant_name": _text(registered.complainant_name),
        "complainant_email": _text(registered.complainant_email),
        "member_number": _text(registered.member_number),
        "subject": _text(registered.subject),
        "description": _text(registered.description),
        "reference": {"kind": reference.kind, "text": _text(reference.text)} if reference else None,
    }


def _answer(event: ComplaintAnswered | MediatorAnswered, at: str) -> dict[str, Any]:
    return {
        "at": at,
        "verdict": event.verdict,
        "motivation": _text(event.motivation),
        "advice": _text(event.advice),
    }


def _letter(event: ComplaintLetterSent, at: str) -> dict[str, Any]:
    return {
        "sent_at": at,
        "kind": event.kind,
        "language": event.language,
        "text": _text(event.text),
        "standard": event.standard,
    }


def _text(value: str | None) -> str | None:
    """A personal value as text: "erased" (or "sealed") where it cannot be read here."""
    return None if value is None else str(value)
