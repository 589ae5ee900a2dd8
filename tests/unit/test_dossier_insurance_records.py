"""DOS-8 (seed 003): the booklet decides what it records of a person's Neutra insurance: a first
subscription, a switch (the old product ends with the month, the new one continues it), a
return after leaving (in continuity when no day is missed), leaving, and every refusal with
its reason."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossier.domain.booklet import Booklet
from shared.contracts.dossier import MemberEnrolled, MemberLeft
from shared.contracts.insurance import (
    EarlierCover,
    EndInsurance,
    InsuranceEnded,
    InsuranceSubscribed,
    Product,
    SubscribeToInsurance,
)
from shared.refusal import Refused
from tests.support.dossier import person
from tests.unit.test_dossier_handlers import ELS

ELS_ID = "p-els"


def booklet(*more) -> Booklet:
    enrolled = MemberEnrolled(booklet_id="b-1", person_id=ELS_ID, holder=person(ELS))
    return Booklet.rebuild("b-1", history=[enrolled, *more])


def subscribe(product: str, received_on: date, **more) -> SubscribeToInsurance:
    return SubscribeToInsurance(
        booklet_id="b-1",
        national_register_number=ELS,
        product=product,
        received_on=received_on,
        **more,
    )


def leave(received_on: date) -> EndInsurance:
    return EndInsurance(booklet_id="b-1", national_register_number=ELS, received_on=received_on)


def subscribed(product: str, starts_on: date, **more) -> InsuranceSubscribed:
    return InsuranceSubscribed(
        booklet_id="b-1",
        person_id=ELS_ID,
        product=product,
        received_on=starts_on.replace(day=1),
        starts_on=starts_on,
        **more,
    )


def test_dos8_a_request_received_in_march_covers_from_the_first_of_april():
    els = booklet()
    els.subscribe_to_insurance(subscribe("optimum", date(2026, 3, 31)), in_order=True)
    assert els.pending == [
        InsuranceSubscribed(
            booklet_id="b-1",
            person_id=ELS_ID,
            product=Product.OPTIMUM,
            received_on=date(2026, 3, 31),
            starts_on=date(2026, 4, 1),
        )
    ]


def test_dos8_a_switch_ends_the_old_product_with_the_month_and_continues_it():
    els = booklet(subscribed("confort", date(2025, 2, 1)))
    els.subscribe_to_insurance(subscribe("top", date(2026, 6, 12)), in_order=True)
    ended, started = els.pending
    assert ended == InsuranceEnded(
        booklet_id="b-1", person_id=ELS_ID, product=Product.CONFORT, last_day=date(2026, 6, 30)
    )
    assert started.product == Product.TOP and started.starts_on == date(2026, 7, 1)
    assert started.earlier_cover == EarlierCover(
        level=Product.CONFORT, starts_on=date(2025, 2, 1), ends_on=date(2026, 6, 30)
    )


def test_dos8_a_return_the_month_after_leaving_continues_the_earlier_cover():
    els = booklet(
        subscribed("plus", date(2024, 1, 1)),
        InsuranceEnded(
            booklet_id="b-1", person_id=ELS_ID, product=Product.PLUS, last_day=date(2026, 5, 31)
        ),
    )
    els.subscribe_to_insurance(subscribe("plus", date(2026, 5, 20)), in_order=True)
    [back] = els.pending
    assert back.starts_on == date(2026, 6, 1)
    assert back.earlier_cover == EarlierCover(
        level=Product.PLUS, starts_on=date(2024, 1, 1), ends_on=date(2026, 5, 31)
    )


def test_dos8_a_return_after_a_gap_starts_afresh_unless_another_cover_is_named():
    gap = (
        subscribed("plus", date(2024, 1, 1)),
        InsuranceEnded(
            booklet_id="b-1", person_id=ELS_ID, product=Product.PLUS, last_day=date(2025, 5, 31)
        ),
    )
    els = booklet(*gap)
    els.subscribe_to_insurance(subscribe("plus", date(2026, 5, 20)), in_order=True)
    assert els.pending[0].earlier_cover is None
    elsewhere = EarlierCover(level="top", starts_on=date(2025, 6, 1), ends_on=date(2026, 5, 31))
    els = booklet(*gap)
    els.subscribe_to_insurance(
        subscribe("plus", date(2026, 5, 20), earlier_cover=elsewhere), in_order=True
    )
    assert els.pending[0].earlier_cover == elsewhere


@pytest.mark.parametrize(
    ("history", "command", "reason"),
    [
        ([subscribed("top", date(2026, 1, 1))], subscribe("top", date(2026, 3, 3)), "already"),
        (
            [subscribed("top", date(2026, 4, 1))],
            subscribe("base", date(2026, 3, 3)),
            "not started yet",
        ),
        ([], leave(date(2026, 3, 3)), "holds no Neutra insurance"),
        (
            [
                subscribed("base", date(2026, 1, 1)),
                InsuranceEnded(
                    booklet_id="b-1", person_id=ELS_ID, product="base", last_day=date(2026, 3, 31)
                ),
            ],
            leave(date(2026, 3, 3)),
            "ends already, on 2026-03-31",
        ),
        (
            [MemberLeft(booklet_id="b-1", person_id=ELS_ID, on=date(2026, 2, 28))],
            subscribe("top", date(2026, 3, 3)),
            "membership ended on 2026-02-28",
        ),
    ],
    ids=["same-product", "switch-before-start", "none-to-end", "ending-twice", "left-the-fund"],
)
def test_dos8_what_the_booklet_refuses_it_says_why(history, command, reason):
    els = booklet(*history)
    with pytest.raises(Refused, match=reason):
        if isinstance(command, EndInsurance):
            els.end_insurance(command)
        else:
            els.subscribe_to_insurance(command, in_order=True)
    assert els.pending == []


def test_dos3_dos8_a_household_with_an_invoice_unpaid_past_its_due_date_may_not_join():
    els = booklet()
    with pytest.raises(Refused, match="pay the contribution"):
        els.subscribe_to_insurance(subscribe("plus", date(2026, 5, 20)), in_order=False)
    assert els.pending == []
