"""The complaint contracts: v2 registrations read as v3; commands that cannot be right are
refused before any handler sees them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.contracts import commands, events
from shared.contracts.complaints import ComplaintRegistered, DecideAdmissibility

V2 = {
    "complaint_id": "c-2",
    "file_number": "2025-000002",
    "complainant_name": "Els",
    "language": "nl",
    "channel": "letter",
    "subject": "Refund",
    "description": "…",
    "reference": "call of 3 March",
    "received_at": "2025-03-04T09:00:00+00:00",
}


def test_cmp2_a_v2_complaint_registered_is_upcast_to_v3_with_a_typed_reference():
    event = events.parse("ComplaintRegistered", V2, version=2)

    assert isinstance(event, ComplaintRegistered)
    assert (event.reference.kind, event.reference.text) == ("other", "call of 3 March")
    assert (event.complainant_person, event.anonymous, event.category) == (None, False, None)


def test_cmp4_an_inadmissibility_needs_a_ground_and_a_motivation():
    with pytest.raises(ValidationError, match="needs a ground and a motivation"):
        DecideAdmissibility(file_number="2026-000001", admissible=False, ground="anonymous")


def test_cmp7_only_the_mediator_answers_as_mediator_and_a_member_may_escalate():
    assert commands.model("AnswerAsMediator").allowed_roles == {"mediator"}
    assert "member" in commands.model("EscalateToMediator").allowed_roles
    assert "mediator" not in commands.model("AnswerComplaint").allowed_roles


def test_cmp2_a_command_names_a_complaint_by_a_well_formed_file_number():
    with pytest.raises(ValidationError, match="file_number"):
        commands.parse("AcknowledgeComplaint", {"file_number": "42"})
