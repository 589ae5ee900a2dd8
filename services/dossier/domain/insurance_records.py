"""DOS-8: what the booklet records of a person's Neutra insurance. Pure: each rule takes the
person's last subscription and the command, and returns the events to record or refuses; the
dates and waiting periods are shared/insurance/cover.py's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from shared.contracts import Event
from shared.contracts.insurance import (
    EarlierCover,
    EndInsurance,
    InsuranceEnded,
    InsuranceSubscribed,
    SubscribeToInsurance,
)
from shared.insurance import cover as insurance
from shared.insurance.cover import PriorCover, Refusal, Subscription
from shared.refusal import Refused


class InsuranceError(Refused):
    """A request about an insurance the booklet refuses, with a reason fit for staff."""


def subscribed(
    booklet_id: str,
    person_id: str,
    current: Subscription | None,
    command: SubscribeToInsurance,
    membership_ended: date | None,
    in_order: bool = True,
) -> list[Event]:
    """A first subscription, a return after leaving, or a switch from the product held; only
    for a household in order with what the fund invoiced it (DOS-3)."""
    if membership_ended is not None:
        raise InsuranceError(f"the person's membership ended on {membership_ended.isoformat()}")
    if not in_order:  # a switch too: the new product is joined like the first
        raise InsuranceError(insurance.NOT_IN_ORDER)
    starts_on = insurance.cover_starts_on(command.received_on)
    if current is not None and (current.ends_on is None or current.ends_on >= starts_on):
        return _switched(booklet_id, person_id, current, command)
    earlier = _prior(command.earlier_cover)
    if current is not None and current.ends_on == starts_on - timedelta(days=1):
        earlier = earlier or PriorCover(current.product, current.starts_on, current.ends_on)
    joined = insurance.enrol(
        person_id,
        command.product,
        command.received_on,
        contribution_paid=in_order,
        continuity_from=earlier,
    )
    if isinstance(joined, Refusal):
        raise InsuranceError(joined.reason)
    return [_subscribed_event(booklet_id, joined)]


def ended(booklet_id: str, current: Subscription | None, command: EndInsurance) -> InsuranceEnded:
    if current is None:
        raise InsuranceError("this person holds no Neutra insurance")
    if current.ends_on is not None:
        raise InsuranceError(f"this person's insurance ends already, on {current.ends_on}")
    try:
        left = insurance.leave(current, command.received_on)
    except ValueError as error:
        raise InsuranceError(str(error)) from None
    return _ended_event(booklet_id, left)


def subscription_of(event: InsuranceSubscribed) -> Subscription:
    return Subscription(
        event.person_id,
        event.product,
        event.received_on,
        event.starts_on,
        None,
        _prior(event.earlier_cover),
    )


def with_end(current: Subscription, event: InsuranceEnded) -> Subscription:
    return replace(current, ends_on=event.last_day)


def _switched(
    booklet_id: str, person_id: str, current: Subscription, command: SubscribeToInsurance
) -> list[Event]:
    if current.ends_on is not None:
        raise InsuranceError(
            f"this person's {current.product.label} runs until {current.ends_on}: "
            "a new insurance starts after it"
        )
    if current.product == command.product:
        raise InsuranceError(
            f"this person holds {current.product.label} already, since {current.starts_on}"
        )
    try:
        old, new = insurance.switch_product(current, command.product, command.received_on)
    except ValueError as error:
        raise InsuranceError(str(error)) from None
    return [_ended_event(booklet_id, old), _subscribed_event(booklet_id, new)]


def _subscribed_event(booklet_id: str, subscription: Subscription) -> InsuranceSubscribed:
    earlier = subscription.continuity_from
    return InsuranceSubscribed(
        booklet_id=booklet_id,
        person_id=subscription.person,
        product=subscription.product,
        received_on=subscription.requested_on,
        starts_on=subscription.starts_on,
        earlier_cover=None
        if earlier is None
        else EarlierCover(
            level=earlier.level, starts_on=earlier.starts_on, ends_on=earlier.ends_on
        ),
    )


def _ended_event(booklet_id: str, subscription: Subscription) -> InsuranceEnded:
    assert subscription.ends_on is not None
    return InsuranceEnded(
        booklet_id=booklet_id,
        person_id=subscription.person,
        product=subscription.product,
        last_day=subscription.ends_on,
    )


def _prior(earlier: EarlierCover | None) -> PriorCover | None:
    if earlier is None:
        return None
    return PriorCover(earlier.level, earlier.starts_on, earlier.ends_on)
