"""Filing a complaint (CMP-2): it gets the next file number of its year's register, told to the
complainant in every letter, and its file opens with the registration. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from services.complaints.domain.complaint import Complaint
from shared.aggregate import Aggregate
from shared.contracts.complaints import (
    BRUSSELS,
    ComplaintFileNumberIssued,
    ComplaintRegistered,
    RegisterComplaint,
)


@dataclass
class FileNumberRegister(Aggregate):
    """One year's register of file numbers (dossiernummers): numbers are issued in sequence and
    never reused, because each is an event appended at the register's expected version."""

    year: int
    length_is_state: ClassVar[bool] = True

    @classmethod
    def stream(cls, year: int) -> str:
        return f"complaint-register-{year}"

    @property
    def issued(self) -> int:
        """The n-th number issued is the register's n-th event."""
        return self.version + len(self.pending)

    def issue(self, complaint_id: str) -> str:
        """The next file number, now the complaint's."""
        sequence = self.issued + 1
        file_number = f"{self.year}-{sequence:06d}"
        self.record(
            ComplaintFileNumberIssued(
                complaint_id=complaint_id,
                year=self.year,
                sequence=sequence,
                file_number=file_number,
            )
        )
        return file_number

    def apply(self, event: ComplaintFileNumberIssued) -> None:
        pass  # its length is its state


def filing_year(received_at: datetime) -> int:
    """The register a complaint is filed in: that of the year it reached the fund, in
    Brussels."""
    return received_at.astimezone(BRUSSELS).year


def file(
    complaint: Complaint,
    register: FileNumberRegister,
    command: RegisterComplaint,
    received_at: datetime,
) -> None:
    """`complaint` (new) is registered as `command` says, received at `received_at`, with the
    next number of `register`, that of its filing year."""
    if not complaint.is_new:
        raise ValueError(f"complaint {complaint.complaint_id} is registered already")
    if register.year != filing_year(received_at):
        raise ValueError(f"a complaint received at {received_at} is not filed in {register.year}")
    file_number = register.issue(complaint.complaint_id)
    complaint.record(
        ComplaintRegistered(
            complaint_id=complaint.complaint_id,
            file_number=file_number,
            received_at=received_at,
            **command.model_dump(exclude={"received_at"}),
        )
    )
