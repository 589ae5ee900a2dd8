"""CMP-3, CMP-5: deadlines in calendar days, moved past weekends and Belgian public holidays."""

from datetime import date, datetime, timedelta

import pytest

from services.complaints.domain.deadlines import (
    ACKNOWLEDGEMENT_PERIOD,
    BRUSSELS,
    STATUS_UPDATE_PERIOD,
    deadline,
    due_day,
)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BRUSSELS)


def test_cmp3_acknowledgement_due_8_calendar_days_after_receipt():
    # Received Monday 2 March 2026: day 8 is Tuesday 10 March, a working day.
    assert due_day(at("2026-03-02"), ACKNOWLEDGEMENT_PERIOD) == date(2026, 3, 10)


def test_cmp3_on_day_8_is_on_time_and_day_9_is_late():
    limit = deadline(at("2026-03-02"), ACKNOWLEDGEMENT_PERIOD)

    assert at("2026-03-10", 23) < limit
    assert at("2026-03-11", 0) >= limit


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        ("2026-03-06", date(2026, 3, 16), "day 8 is Saturday 14 March → Monday"),
        ("2026-03-07", date(2026, 3, 16), "day 8 is Sunday 15 March → Monday"),
        ("2026-07-13", date(2026, 7, 22), "day 8 is National Day, Tuesday 21 July → Wednesday"),
        ("2026-03-29", date(2026, 4, 7), "day 8 is Easter Monday 6 April → Tuesday"),
        ("2026-12-17", date(2026, 12, 28), "day 8 is Christmas, Friday 25 December → Monday 28"),
    ],
)
def test_cmp3_a_deadline_on_a_weekend_or_public_holiday_moves_to_the_next_working_day(
    received, due, why
):
    assert due_day(at(received), ACKNOWLEDGEMENT_PERIOD) == due, why


def test_cmp5_status_messages_every_three_weeks():
    started = at("2026-03-02")

    dues = [due_day(started, STATUS_UPDATE_PERIOD * n) for n in (1, 2, 3)]

    assert dues == [date(2026, 3, 23), date(2026, 4, 13), date(2026, 5, 4)]


def test_the_day_counts_in_brussels_not_utc():
    # 23:30 UTC on Sunday 1 March is already Monday 2 March in Brussels.
    received = datetime.fromisoformat("2026-03-01T23:30:00+00:00")

    assert due_day(received, ACKNOWLEDGEMENT_PERIOD) == date(2026, 3, 10)


def test_the_deadline_is_midnight_in_brussels_across_the_summer_time_change():
    # Received 20 March (winter time); due Monday 30 March (summer time since the 29th).
    limit = deadline(at("2026-03-20"), ACKNOWLEDGEMENT_PERIOD)

    assert limit == datetime(2026, 3, 31, 0, 0, tzinfo=BRUSSELS)
    assert limit.utcoffset() == timedelta(hours=2)
