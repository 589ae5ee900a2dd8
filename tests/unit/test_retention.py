"""DOS-13: the retention periods are data (shared/privacy/retention.yaml), checked when read: a
file that names an unknown category, lacks one, or gives a period that is not one is refused
with the file, the entry and what is wrong. Periods count in calendar years, months and days,
and end at midnight in Brussels."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from shared.privacy.marking import CATEGORIES
from shared.privacy.retention import (
    BRUSSELS,
    Period,
    RetentionError,
    load_retention,
    retention,
)

GOOD = {
    category: "{kept_for: P7Y, counted_from: membership_end, source: a law}"
    for category in CATEGORIES
}


def written(tmp_path: Path, **entries: str) -> Path:
    path = tmp_path / "retention.yaml"
    path.write_text("".join(f"{name}: {entry}\n" for name, entry in entries.items()))
    return path


def test_dos13_the_shipped_file_gives_every_category_a_period_with_its_source():
    shipped = retention()

    assert set(shipped.categories) == set(CATEGORIES)
    assert all(kept.source for kept in shipped.categories.values())
    # Seed 002 §6: identification until the membership ends; the rest 7 to 30 years.
    assert shipped.categories["identification"].kept_for == Period()
    for category in ("financial", "health", "complaint"):
        assert 7 <= shipped.categories[category].kept_for.years <= 30, category
    assert shipped.kept_after_erasure == {"financial"}


def test_dos13_a_file_with_an_unknown_category_is_refused_naming_it(tmp_path):
    path = written(tmp_path, **GOOD, medical="{kept_for: P7Y, counted_from: membership_end}")

    with pytest.raises(RetentionError, match=r"retention.yaml: unknown category 'medical'"):
        load_retention(path)


def test_dos13_a_file_without_a_category_is_refused_naming_what_is_missing(tmp_path):
    path = written(tmp_path, **{k: v for k, v in GOOD.items() if k != "health"})

    with pytest.raises(RetentionError, match="no retention period for health"):
        load_retention(path)


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ("{kept_for: P7W, counted_from: membership_end, source: x}", "'P7W' is not a period"),
        ("{kept_for: PT5H, counted_from: membership_end, source: x}", "'PT5H' is not a period"),
        ("{kept_for: P, counted_from: membership_end, source: x}", "'P' is not a period"),
        ("{kept_for: yes, counted_from: membership_end, source: x}", "a period is an ISO"),
        ("{kept_for: P7Y, counted_from: birth, source: x}", "financial.counted_from: Input"),
        ("{kept_for: P7Y, counted_from: membership_end}", "financial.source: Field required"),
        ("{kept_for: P7Y, counted_from: membership_end, source: x, ever: 1}", "financial.ever: "),
    ],
)
def test_dos13_a_wrong_entry_is_refused_with_what_is_wrong(tmp_path, entry, error):
    path = written(tmp_path, **{**GOOD, "financial": entry})

    with pytest.raises(RetentionError) as refused:
        load_retention(path)

    assert str(refused.value).startswith(f"{path}: ") and error in str(refused.value)


def test_dos13_a_file_that_is_not_a_mapping_of_categories_is_refused(tmp_path):
    path = tmp_path / "retention.yaml"
    path.write_text("- identification\n")

    with pytest.raises(RetentionError, match="expected a period per category"):
        load_retention(path)


def test_dos13_a_period_is_iso_8601_or_a_number_of_years():
    assert Period.model_validate("P1Y6M10D") == Period(years=1, months=6, days=10)
    assert Period.model_validate(30) == Period(years=30)
    assert Period.model_validate("P0D") == Period()


def test_dos13_periods_count_in_calendar_years_and_a_missing_day_is_the_months_last():
    assert Period(years=7).after(date(2026, 3, 15)) == date(2033, 3, 15)
    assert Period(years=7).after(date(2024, 2, 29)) == date(2031, 2, 28)
    assert Period(months=11).after(date(2026, 3, 31)) == date(2027, 2, 28)
    assert Period(days=1).after(date(2026, 12, 31)) == date(2027, 1, 1)


def test_dos13_a_period_ends_at_midnight_in_brussels_counted_from_where_its_law_says(tmp_path):
    financial = "{kept_for: P7Y, counted_from: first_january_after_membership_end, source: x}"
    contact = "{kept_for: P0D, counted_from: membership_end, source: x}"
    path = written(tmp_path, **{**GOOD, "financial": financial, "contact": contact})
    periods = load_retention(path)

    ended = date(2026, 6, 30)
    assert periods.ends_at("contact", ended) == datetime(2026, 6, 30, tzinfo=BRUSSELS)
    assert periods.ends_at("health", ended) == datetime(2033, 6, 30, tzinfo=BRUSSELS)
    # The accounting law counts from the 1st of January after the books close.
    assert periods.ends_at("financial", ended) == datetime(2034, 1, 1, tzinfo=BRUSSELS)
