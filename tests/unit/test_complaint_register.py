"""CMP-2: every complaint gets a unique file number from its year's register."""

from datetime import datetime, timezone

import pytest

from services.complaints.domain.complaint import Complaint
from services.complaints.domain.filing import FileNumberRegister, file, filing_year
from shared.contracts.complaints import ComplaintFileNumberIssued, RegisterComplaint

RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
COMMAND = RegisterComplaint(complainant_name="Els Peeters", subject="Refund", description="…")


def register_after(issued: int) -> FileNumberRegister:
    history = [
        ComplaintFileNumberIssued(
            complaint_id=f"earlier-{n}", year=2026, sequence=n, file_number=f"2026-{n:06d}"
        )
        for n in range(1, issued + 1)
    ]
    return FileNumberRegister.rebuild(2026, history=history)


def test_cmp2_file_numbers_follow_the_register_of_the_year():
    register = register_after(41)

    file_number = register.issue("complaint-1")

    [issued] = register.pending
    assert file_number == issued.file_number == "2026-000042" and issued.sequence == 42
    assert register.stream_id == "complaint-register-2026" and register.issued == 42


def test_cmp2_a_year_starts_its_register_at_one():
    register = FileNumberRegister.rebuild(2027)

    assert register.is_new and register.issue("complaint-1") == "2027-000001"


def test_cmp2_the_filing_year_is_the_year_in_brussels():
    # 31 December 23:30 UTC is already New Year in Brussels.
    assert filing_year(datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)) == 2026


def test_cmp2_a_filed_complaint_is_registered_with_the_number_issued_to_it():
    register, complaint = register_after(41), Complaint.rebuild("complaint-1")

    file(complaint, register, COMMAND, RECEIVED)

    [issued], [registered] = register.pending, complaint.pending
    assert issued.complaint_id == "complaint-1"
    assert (registered.file_number, registered.received_at) == ("2026-000042", RECEIVED)
    assert complaint.file_number == "2026-000042"
    assert complaint.stream_id == "complaint-complaint-1"


def test_cmp2_a_complaint_is_filed_once_in_the_register_of_its_year():
    complaint = Complaint.rebuild("complaint-1")
    file(complaint, register_after(1), COMMAND, RECEIVED)
    again = register_after(2)

    with pytest.raises(ValueError):
        file(complaint, again, COMMAND, RECEIVED)
    with pytest.raises(ValueError):
        file(
            Complaint.rebuild("complaint-2"),
            register_after(2),
            COMMAND,
            datetime(2027, 6, 1, tzinfo=timezone.utc),
        )
    assert again.pending == []
