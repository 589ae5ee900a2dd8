"""Issue 8, items 6 and 14: who files a complaint and when it was received are facts a member
cannot forge (CMP-2, CMP-3, CMP-9, CMP-10, CMP-11), and a complaint says something."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.complaints.domain import intake
from shared.contracts import commands
from shared.contracts.complaints import RegisterComplaint
from tests.support.dossier import insz

ELS, BRAM = insz(date(1985, 7, 30), 33), insz(date(1990, 2, 1), 45)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
COMPLAINT = {"complainant_name": "Els Peeters", "subject": "Refund", "description": "Missing."}


def members(**fields) -> RegisterComplaint:
    return intake.from_member(RegisterComplaint(**COMPLAINT, **fields), ELS, NOW)


def test_issue8_6_cmp11_a_members_complaint_is_theirs_through_the_portal_received_now():
    filed = members()

    assert (filed.complainant_person, filed.channel, filed.received_at) == (ELS, "portal", NOW)
    assert (filed.anonymous, filed.member_number) == (False, None)


def test_issue8_6_cmp11_a_member_may_restate_what_the_service_sets():
    filed = members(complainant_person=ELS, channel="portal", anonymous=False, received_at=None)

    assert (filed.complainant_person, filed.received_at) == (ELS, NOW)


@pytest.mark.parametrize(
    "field, value",
    [
        ("received_at", datetime(2025, 1, 6, 9, tzinfo=UTC)),  # a breach that never happened
        ("received_at", datetime(2099, 1, 1, tzinfo=UTC)),  # a deadline that never comes
        ("received_at", NOW),  # even the right time: the clock says it, not the member
        ("complainant_person", BRAM),
        ("channel", "letter"),
        ("anonymous", True),
        ("member_number", "123-4567"),
    ],
)
def test_issue8_6_cmp11_a_member_cannot_forge_complaint_facts(field, value):
    with pytest.raises(intake.IntakeRefused, match=f"^a member may not set {field}: "):
        members(**{field: value})


def test_issue8_6_cmp2_staff_register_a_letter_on_the_day_it_arrived():
    arrived = NOW - timedelta(days=5)

    assert intake.received_at(arrived, NOW) == arrived
    assert intake.received_at(None, NOW) == NOW


def test_issue8_6_cmp3_staff_cannot_date_a_complaint_in_the_future():
    with pytest.raises(intake.IntakeRefused, match="received_at .* is in the future"):
        intake.received_at(NOW + timedelta(minutes=1), NOW)


def test_issue8_6_cmp9_staff_cannot_date_a_complaint_more_than_a_year_back():
    a_year_ago = NOW - intake.OLDEST_RECEIPT

    assert intake.received_at(a_year_ago, NOW) == a_year_ago
    with pytest.raises(intake.IntakeRefused, match="more than 365 days ago"):
        intake.received_at(datetime(2016, 3, 2, tzinfo=UTC), NOW)  # 2016 typed for 2026


@pytest.mark.parametrize("field", ["subject", "description", "complainant_name"])
@pytest.mark.parametrize("blank", ["   ", "\n\t \u00a0"])
def test_issue8_14_cmp2_a_complaint_with_a_blank_subject_or_description_is_refused(field, blank):
    with pytest.raises(ValidationError, match=f"{field}\n  must not be blank"):
        commands.parse("RegisterComplaint", {**COMPLAINT, field: blank})


def test_issue8_14_free_text_of_every_complaint_command_must_say_something():
    answer = {"file_number": "2026-000001", "verdict": "founded", "motivation": "  "}
    with pytest.raises(ValidationError, match="motivation\n  must not be blank"):
        commands.parse("AnswerComplaint", answer)
    schema = commands.json_schemas()["RegisterComplaint"]["properties"]["subject"]
    assert schema["pattern"] == r"\S"
