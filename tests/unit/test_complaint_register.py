"""CMP-2: every complaint gets a unique file number from its year's register."""

from datetime import datetime, timezone

from services.complaints.domain.model import FileNumberRegister, filing_year


def test_cmp2_file_numbers_follow_the_register_of_the_year():
    register = FileNumberRegister(year=2026, issued=41)

    issued = register.issue("complaint-1")

    assert issued.file_number == "2026-000042" and issued.sequence == 42


def test_cmp2_the_filing_year_is_the_year_in_brussels():
    # 31 December 23:30 UTC is already New Year in Brussels.
    assert filing_year(datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)) == 2026
