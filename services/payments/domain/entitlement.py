"""A person's increased-reimbursement (VT) status over time, as the dossier decided it: a list
of (from this day, VT or not), in order of the day."""

from __future__ import annotations

from datetime import date

History = list[tuple[date, bool]]


def vt_on(history: History, day: date) -> bool:
    status = False
    for since, vt in history:
        if since > day:
            break
        status = vt
    return status


def vt_in_year(history: History, year: int) -> bool:
    """Whether the person had VT on any day of `year`."""
    return vt_on(history, date(year, 1, 1)) or any(
        vt for since, vt in history if since.year == year
    )
