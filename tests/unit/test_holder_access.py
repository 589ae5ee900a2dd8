"""ID-7: a holder's access to one person as a stream of events: the person's say, and a grant
or revocation recorded only when the policy's answer changes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest

from services.identity.domain.holder_access import HolderAccess, HolderAccessError
from services.identity.domain.person_access import BRUSSELS
from shared.contracts.access import (
    AccessGranted,
    AccessMandateGiven,
    AccessRevoked,
    HolderAccessRefused,
)
from shared.reference import load_federation

EMUT = load_federation("socialist").access_policy
MYLM = load_federation("liberal").access_policy
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=BRUSSELS)
CHILD_OF_10 = date(2016, 5, 1)
CHILD_OF_16 = date(2010, 5, 1)


def access(*history) -> HolderAccess:
    return HolderAccess.rebuild("holder", "person", history=[(e, NOW) for e in history])


def test_id7_a_grant_is_recorded_once_and_says_when_it_next_changes():
    fresh = access()

    decision = fresh.reconsider(EMUT, CHILD_OF_10, None, NOW)
    again = fresh.reconsider(EMUT, CHILD_OF_10, None, NOW + timedelta(days=1))

    assert fresh.pending == [AccessGranted(holder="holder", person="person", why="child under 16")]
    assert again.allowed and decision.changes_at == datetime(2032, 5, 1, tzinfo=BRUSSELS)


def test_id7_emut_the_16th_birthday_revokes_and_a_mandate_grants_again():
    granted = access(AccessGranted(holder="holder", person="person", why="child under 16"))

    granted.reconsider(EMUT, CHILD_OF_16, None, NOW)
    granted.give_mandate(NOW)
    granted.reconsider(EMUT, CHILD_OF_16, None, NOW)

    assert [type(e) for e in granted.pending] == [AccessRevoked, AccessMandateGiven, AccessGranted]
    assert granted.pending[-1].why == "mandate given by the child"


def test_id7_emut_a_refusal_within_the_month_keeps_the_parent_out_after_it():
    registered = NOW - timedelta(days=3)
    child = access()
    child.refuse(NOW)

    inside = child.reconsider(EMUT, CHILD_OF_16, registered, NOW)
    after = child.reconsider(EMUT, CHILD_OF_16, registered, NOW + timedelta(days=40))

    assert not inside.allowed and not after.allowed
    assert not any(isinstance(event, AccessGranted) for event in child.pending)


def test_id7_mylm_a_registered_minor_revokes():
    minor = access(AccessGranted(holder="holder", person="person", why="dependant under 18"))
    minor.refuse(NOW)

    decision = minor.reconsider(MYLM, CHILD_OF_16, NOW - timedelta(days=1), NOW)

    assert not decision.allowed
    assert minor.pending[-1] == AccessRevoked(
        holder="holder", person="person", why="revoked by the registered minor"
    )


@pytest.mark.parametrize(
    "say, history, reason",
    [
        ("give_mandate", [AccessMandateGiven(person="person", holder="holder")], "already has"),
        ("withdraw_mandate", [], "no mandate of yours"),
    ],
)
def test_id7_a_say_that_changes_nothing_is_refused_with_a_reason(say, history, reason):
    with pytest.raises(HolderAccessError, match=reason):
        getattr(access(*history), say)(NOW)


def test_id7_a_refusal_is_rebuilt_with_the_time_it_happened():
    refused_at = NOW - timedelta(days=3)
    refusal = HolderAccessRefused(person="person", holder="holder")

    rebuilt = HolderAccess.rebuild("holder", "person", history=[(refusal, refused_at)])

    assert (rebuilt.refused_at, rebuilt.version) == (refused_at, 1)
    # Bare events (Repository.get) cannot say when: refused rather than forgotten.
    with pytest.raises(TypeError, match="time"):
        HolderAccess.rebuild("holder", "person", history=[refusal])


def test_id7_the_stream_is_where_it_always_was_and_names_no_national_register_number():
    stream = HolderAccess.stream("85073003328", "16030300748")

    pseudonym = uuid.uuid5(uuid.NAMESPACE_URL, "85073003328/16030300748")
    assert stream == f"holder-access-{pseudonym}"
    assert access().stream_id == HolderAccess.stream("holder", "person")
