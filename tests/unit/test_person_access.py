"""ID-7: the authorization matrix of both federation policies (ORG-2: one code, two configs)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from services.identity.domain.person_access import (
    BRUSSELS,
    Relation,
    add_months,
    birthday,
    decide,
)
from shared.reference import load_federation

# ORG-2: the policy is the federation's shipped configuration, not code.
EMUT = load_federation("socialist").access_policy
MYLM = load_federation("liberal").access_policy

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=BRUSSELS)


def born_years_ago(years: int) -> date:
    """A birth date making the person exactly `years` old today (birthday last month)."""
    return date(NOW.year - years, NOW.month - 1, 15)


# age, mandate/grant given, person registered, refused, expected (e-Mut, My LM)
MATRIX = [
    (15, False, False, False, True, True),
    (15, False, True, True, True, False),  # My LM: a registered minor revoked; e-Mut: under 16
    (16, False, False, False, False, True),
    (16, True, False, False, True, True),
    (17, False, False, False, False, True),
    (17, True, False, False, True, True),
    (17, False, True, True, False, False),
    (18, False, False, False, False, False),
    (18, True, False, False, True, True),
    (19, False, False, False, False, False),
    (19, True, False, False, True, True),
]


@pytest.mark.parametrize(("age", "granted", "registered", "refused", "emut", "mylm"), MATRIX)
def test_id7_authorization_matrix(age, granted, registered, refused, emut, mylm):
    relation = Relation(
        person_birth_date=born_years_ago(age),
        granted=granted,
        person_registered_at=NOW - timedelta(days=3) if registered else None,
        person_refused_at=NOW - timedelta(days=1) if refused else None,
    )

    assert decide(EMUT, relation, NOW).allowed is emut
    assert decide(MYLM, relation, NOW).allowed is mylm


def test_id7_emut_child_blocking_inside_the_month_keeps_the_parent_out():
    registered = NOW - timedelta(days=20)
    relation = Relation(
        born_years_ago(17),
        person_registered_at=registered,
        person_refused_at=registered + timedelta(days=29),
    )

    assert not decide(EMUT, relation, NOW + timedelta(days=60)).allowed


def test_id7_emut_child_blocking_after_the_month_is_too_late():
    registered = NOW - timedelta(days=60)
    relation = Relation(
        born_years_ago(17),
        person_registered_at=registered,
        person_refused_at=add_months(registered, 1) + timedelta(seconds=1),
    )

    decision = decide(EMUT, relation, NOW)

    assert decision.allowed and decision.why == "the child did not block within the month"


def test_id7_emut_parent_waits_out_the_month_then_gets_access():
    registered = NOW - timedelta(days=10)
    relation = Relation(born_years_ago(17), person_registered_at=registered)

    waiting = decide(EMUT, relation, NOW)

    assert not waiting.allowed and waiting.changes_at == add_months(registered, 1)
    assert decide(EMUT, relation, waiting.changes_at).allowed


@pytest.mark.parametrize(("policy", "age"), [(EMUT, 16), (MYLM, 18)])
def test_id7_access_changes_at_midnight_of_the_birthday(policy, age):
    born = date(2010, 3, 14)
    turning = birthday(born, age)
    relation = Relation(born)

    before = decide(policy, relation, turning - timedelta(seconds=1))

    assert before.allowed and before.changes_at == turning
    assert not decide(policy, relation, turning).allowed


def test_id7_a_leap_day_child_turns_on_the_first_of_march():
    assert birthday(date(2012, 2, 29), 16) == datetime(2028, 2, 29, tzinfo=BRUSSELS)
    assert birthday(date(2008, 2, 29), 18) == datetime(2026, 3, 1, tzinfo=BRUSSELS)


def test_the_one_month_window_clamps_to_the_last_day_of_a_shorter_month():
    assert add_months(datetime(2026, 1, 31, 9, tzinfo=BRUSSELS), 1) == datetime(
        2026, 2, 28, 9, tzinfo=BRUSSELS
    )
