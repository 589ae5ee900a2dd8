"""CMP-3, CMP-5, CMP-12 in the domain: what a reminder and a deadline do, the 3-weekly rhythm
of status messages, and the pause while the file waits on the complainant."""

from __future__ import annotations

from datetime import date, datetime

from services.complaints.domain import overdue, procedure
from services.complaints.domain.deadlines import BRUSSELS
from services.complaints.domain.status import Status
from tests.support.complaints import in_status, registered


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BRUSSELS)


def test_cmp3_the_acknowledgement_is_due_on_day_8_and_reminded_two_working_days_before():
    duty = registered().duty

    assert (duty.kind, duty.due_on) == ("acknowledgement", date(2026, 3, 10))
    assert duty.remind_at == at("2026-03-06", 8)  # Friday: Monday 9 and Tuesday 10 remain
    assert duty.deadline == datetime(2026, 3, 11, tzinfo=BRUSSELS)


def test_cmp12_the_reminder_names_the_assigned_handler():
    complaint = registered()
    procedure.assign(complaint, "handler-7")
    key = complaint.duty.key

    overdue.remind(complaint, key, at("2026-03-06", 8))

    reminded = complaint.pending[-1]
    assert reminded.type_name == "HandlerReminded"
    assert (reminded.duty, reminded.assignee, reminded.due_on) == (
        "acknowledgement",
        "handler-7",
        date(2026, 3, 10),
    )


def test_cmp3_at_the_deadline_the_breach_the_standard_letter_and_a_late_acknowledgement():
    complaint = registered()
    key = complaint.duty.key

    overdue.miss(complaint, key, at("2026-03-10", 23))  # still day 8: not yet
    assert complaint.pending == []
    overdue.miss(complaint, key, at("2026-03-11", 0))

    breach, letter, acknowledged = complaint.pending
    assert breach.type_name == "AcknowledgementOverdue" and breach.due_on == date(2026, 3, 10)
    assert letter.standard and letter.kind == "acknowledgement"
    assert complaint.file_number in letter.text
    assert acknowledged.standard and complaint.status is Status.ACKNOWLEDGED


def test_cmp12_a_timer_for_a_duty_already_done_does_nothing():
    complaint = registered()
    key = complaint.duty.key
    procedure.acknowledge(complaint)
    done = len(complaint.pending)

    overdue.remind(complaint, key, at("2026-03-06", 8))
    overdue.miss(complaint, key, at("2026-03-11"))

    assert len(complaint.pending) == done


def test_cmp5_unanswered_status_periods_keep_their_rhythm_of_3_6_9_weeks():
    complaint = in_status(Status.UNDER_ANALYSIS)  # analysis started Monday 2 March 2026
    dues = []
    for _ in range(3):
        duty = complaint.duty
        dues.append(duty.due_on)
        overdue.miss(complaint, duty.key, at("2026-06-30"))  # noticed late, all at once

    assert dues == [date(2026, 3, 23), date(2026, 4, 13), date(2026, 5, 4)]
    assert [e.type_name for e in complaint.pending] == [
        "StatusUpdateOverdue",
        "ComplaintLetterSent",
    ] * 3
    assert all(e.standard for e in complaint.pending if e.type_name == "ComplaintLetterSent")


def test_cmp5_a_status_message_starts_a_new_3_week_period():
    complaint = in_status(Status.UNDER_ANALYSIS)

    procedure.send_status_update(complaint, "We asked the provider.", at("2026-03-12"))

    assert complaint.duty.due_on == date(2026, 4, 2)
    assert complaint.duty.period == 2


def test_cmp5_waiting_for_information_pauses_the_clock_and_keeps_the_days_left():
    complaint = in_status(Status.UNDER_ANALYSIS)  # due Monday 23 March

    procedure.request_information(complaint, "Which invoice?", at("2026-03-09"))  # 14 days left
    assert complaint.duty is None
    procedure.receive_information(complaint, "Invoice 42.", at("2026-04-01"))

    assert complaint.duty.due_on == date(2026, 4, 15)  # 1 April + 14 days


def test_cmp5_remaining_days_landing_on_a_holiday_move_to_the_next_working_day():
    complaint = in_status(Status.UNDER_ANALYSIS)

    procedure.request_information(complaint, "Which invoice?", at("2026-03-09"))
    procedure.receive_information(complaint, None, at("2026-04-22"))  # + 14 = 6 May, Wednesday

    assert complaint.duty.due_on == date(2026, 5, 6)
    procedure.request_information(complaint, "And?", at("2026-05-01"))  # Friday, 5 days left
    procedure.receive_information(complaint, None, at("2026-05-09"))  # + 5 = Thursday 14 May

    assert complaint.duty.due_on == date(2026, 5, 15)  # Ascension Day → Friday
