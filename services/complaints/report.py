"""CMP-9: what the complaints of a period were about and how they ended, and what the fund
learnt from them; read from the complaints read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.complaints.domain.deadlines import BRUSSELS
from services.complaints.read_model import complaints, recommendations

UNCATEGORISED = "uncategorised"
PENDING = "pending"  # not answered yet
# The days a period may span: the midnights that bound it, in Brussels and in UTC, must be
# instants a datetime holds (the day after 9999-12-31 is none, nor is 0001-01-01 in UTC).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9999, 12, 30)


@dataclass(frozen=True)
class Line:
    category: str
    outcome: str
    complaints: int


@dataclass(frozen=True)
class Recommendation:
    file_number: str
    category: str
    recommendation: str


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    lines: list[Line]
    recommendations: list[Recommendation]

    @property
    def total(self) -> int:
        return sum(line.complaints for line in self.lines)


async def report(conn: AsyncConnection, start: date, end: date) -> Report:
    """Complaints received from `start` to `end`, both included (days in Brussels), per
    category and outcome (the mediator's, if they answered; `pending` while unanswered); the
    recommendations recorded in the same days. The period lies within FIRST_DAY..LAST_DAY."""
    if not FIRST_DAY <= start <= end <= LAST_DAY:
        raise ValueError(f"{start}..{end} is no period within {FIRST_DAY}..{LAST_DAY}")
    since, until = _instant(start), _instant(end + timedelta(days=1))
    category = func.coalesce(complaints.c.category, UNCATEGORISED)
    outcome = func.coalesce(complaints.c.outcome, PENDING)
    counted = await conn.execute(
        select(category, outcome, func.count())
        .where(complaints.c.received_at >= since, complaints.c.received_at < until)
        .group_by(category, outcome)
        .order_by(category, outcome)
    )
    learnt = await conn.execute(
        select(recommendations)
        .where(recommendations.c.recorded_at >= since, recommendations.c.recorded_at < until)
        .order_by(recommendations.c.recorded_at, recommendations.c.file_number)
    )
    return Report(
        start,
        end,
        [Line(*row) for row in counted],
        [
            Recommendation(r.file_number, r.category or UNCATEGORISED, r.recommendation)
            for r in learnt
        ],
    )


def _instant(day: date) -> datetime:
    return datetime.combine(day, time.min, BRUSSELS)
