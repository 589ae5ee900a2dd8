"""The complaint and the register its file numbers come from. Pure decisions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.contracts.complaints import (
    BRUSSELS,
    ComplaintFileNumberIssued,
    ComplaintRegistered,
    RegisterComplaint,
)


@dataclass(frozen=True)
class FileNumberRegister:
    """One year's register of file numbers (dossiernummers): numbers are issued in sequence and
    never reused, because each is an event appended at the register's expected version."""

    year: int
    issued: int

    @staticmethod
    def stream_id(year: int) -> str:
        return f"complaint-register-{year}"

    def issue(self, complaint_id: str) -> ComplaintFileNumberIssued:
        sequence = self.issued + 1
        return ComplaintFileNumberIssued(
            complaint_id=complaint_id,
            year=self.year,
            sequence=sequence,
            file_number=f"{self.year}-{sequence:06d}",
        )


def stream_id(complaint_id: str) -> str:
    return f"complaint-{complaint_id}"


def filing_year(received_at: datetime) -> int:
    return received_at.astimezone(BRUSSELS).year


def register(
    command: RegisterComplaint, complaint_id: str, file_number: str, received_at: datetime
) -> ComplaintRegistered:
    return ComplaintRegistered(
        complaint_id=complaint_id,
        file_number=file_number,
        received_at=received_at,
        **command.model_dump(exclude={"received_at"}),
    )
