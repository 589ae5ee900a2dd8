"""The optional hospitalisation insurances a person chose (Neutra Base, Optimum, +, Confort,
Top), with their start and waiting-period state (DOS-8). Pure decisions on the rules in
`shared/insurance/rules.yaml` (seed 003, "IS ER EEN WACHTTIJD?").

Dates, all `datetime.date`, inclusive:
- `starts_on`: the first day covered, the first day of the month after the month in which the
  completed request was received;
- `ends_on`: the last day covered, the last day of a month (None: for life);
- `WaitingPeriod.ends_on`, "the day of the end": the first day on which the subscribed product
  covers that kind of care. A 6-month waiting period from 1 February 2026 ends on 1 August 2026:
  care on 31 July is not covered, care on 1 August is. Months are calendar months
  (dateutil's relativedelta: 31 January + 1 month = 28 or 29 February).

Rules encoded (readings in the YAML's `unconfirmed`): only who pays the supplementary-insurance
contribution may join; no waiting period for an accident on or after the start date; 6 months in
most cases ("illness"); 9 months for pregnancy and childbirth, with from the 7th through the 9th
month of enrolment the benefit of Neutra + (for +, Confort, Top) or of Neutra Base (for Base,
Optimum); 12 months when the request is received from the 65th birthday on; an earlier similar
cover (equal or higher level) in continuity counts for the waiting periods; a lower one keeps
covering at its level while the higher product's waiting period runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

from shared.contracts.insurance import Product

RULES_FILE = Path(__file__).resolve().parent / "rules.yaml"
DAY = timedelta(days=1)
NOT_IN_ORDER = (
    "only holders and dependants who pay the contribution to the supplementary insurance "
    "(bijdrage aanvullende verzekering) may join"
)


class Kind(StrEnum):
    ACCIDENT = "accident"
    ILLNESS = "illness"  # "in de meeste gevallen": every care that is not one of the others
    PREGNANCY = "pregnancy"  # zwangerschap en bevalling


class InsuranceRulesError(ValueError):
    """The rules file is missing something or says something that cannot be right."""


@dataclass(frozen=True)
class PriorCover:
    """An earlier hospitalisation insurance. `level`: the Neutra product it compares with (its
    own product for a Neutra one); `ends_on`: its last day covered."""

    level: Product
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Subscription:
    person: str
    product: Product
    requested_on: date  # the completed request was received
    starts_on: date  # first day covered
    ends_on: date | None = None  # last day covered; None: for life
    continuity_from: PriorCover | None = None

    def __post_init__(self) -> None:
        if self.starts_on.day != 1:
            raise ValueError(f"cover starts on the first day of a month, not {self.starts_on}")
        if self.ends_on is not None and (
            self.ends_on < self.starts_on or (self.ends_on + DAY).day != 1
        ):
            raise ValueError(
                f"cover ends on the last day of a month from the start: {self.ends_on}"
            )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Subscription:
        """A subscription as a service's table of them keeps it (person_id, product,
        received_on, starts_on, ends_on and the earlier cover's level and dates)."""
        earlier = None
        if row["earlier_level"] is not None:
            earlier = PriorCover(
                Product(row["earlier_level"]), row["earlier_starts_on"], row["earlier_ends_on"]
            )
        return cls(
            row["person_id"],
            Product(row["product"]),
            row["received_on"],
            row["starts_on"],
            row["ends_on"],
            earlier,
        )


@dataclass(frozen=True)
class Refusal:
    person: str
    product: Product
    received_on: date
    reason: str


@dataclass(frozen=True)
class CoverStep:
    from_on: date  # first day covered at this level
    product: Product
    why: str


@dataclass(frozen=True)
class WaitingPeriod:
    kind: Kind
    months: int
    counted_from: date
    ends_on: date  # the day of the end: first day the subscribed product covers this kind
    steps: tuple[CoverStep, ...]  # the levels covering this kind, by the day they begin
    reason: str


@dataclass(frozen=True)
class CoverDecision:
    covered: bool
    product: Product | None  # the level whose benefit applies (e.g. plus in pregnancy months 7-9)
    reason: str
    waiting_period: WaitingPeriod | None = None


def cover_starts_on(received_on: date) -> date:
    """The first day of the month after the month the completed request was received."""
    return received_on + relativedelta(months=1, day=1)


def cover_ends_on(received_on: date) -> date:
    """A voluntary end: the last day of the month in which the request was received."""
    return received_on + relativedelta(day=31)


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day` (born on 29 February: a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class InsuranceRules:
    products: tuple[Product, ...]  # cover order, lowest first
    names: Mapping[Product, str]
    accident_months: int
    illness_months: int
    pregnancy_months: int
    pregnancy_interim_from_month: int
    pregnancy_interim_product: Mapping[Product, Product]
    late_enrolment_age: int
    late_enrolment_months: int
    sources: tuple[str, ...]
    unconfirmed: tuple[str, ...] = ()

    def rank(self, product: Product) -> int:
        return self.products.index(product)

    def months(self, kind: Kind, age_at_request: int) -> int:
        if kind is Kind.ACCIDENT:
            return self.accident_months
        if kind is Kind.PREGNANCY:
            return self.pregnancy_months
        late = age_at_request >= self.late_enrolment_age
        return self.late_enrolment_months if late else self.illness_months

    def enrol(
        self,
        person: str,
        product: Product | str,
        received_on: date,
        *,
        contribution_paid: bool,
        continuity_from: PriorCover | None = None,
    ) -> Subscription | Refusal:
        """A completed request received on `received_on`. The caller says whether the person
        (holder or dependant) pays the supplementary-insurance contribution."""
        product = Product(product)
        if not contribution_paid:
            return Refusal(person, product, received_on, NOT_IN_ORDER)
        starts_on = cover_starts_on(received_on)
        return Subscription(person, product, received_on, starts_on, None, continuity_from)

    def leave(self, subscription: Subscription, received_on: date) -> Subscription:
        """The cover ends on the last day of the month the request to leave is received."""
        ends_on = cover_ends_on(received_on)
        if ends_on < subscription.starts_on:
            raise ValueError("the cover has not started yet: withdraw the request instead")
        return replace(subscription, ends_on=ends_on)

    def switch_product(
        self, current: Subscription, product: Product | str, received_on: date
    ) -> tuple[Subscription, Subscription]:
        """The current product ends at the end of the month of the request, the new one starts
        the next day in continuity with it (a lower or equal product: no new waiting period;
        a higher one: the waiting period for the extra cover)."""
        ended = self.leave(current, received_on)
        assert ended.ends_on is not None
        prior = PriorCover(current.product, self._served_from(current), ended.ends_on)
        started = Subscription(
            current.person, Product(product), received_on, ended.ends_on + DAY, None, prior
        )
        return ended, started

    def waiting_period(
        self, subscription: Subscription, birth_date: date, kind: Kind | str
    ) -> WaitingPeriod:
        kind, product, start = Kind(kind), subscription.product, subscription.starts_on
        months = self.months(kind, age_on(birth_date, subscription.requested_on))
        prior, reason = self._continuity(subscription)
        similar = prior is not None and self.rank(prior.level) >= self.rank(product)
        counted_from = prior.starts_on if similar and prior else start
        steps = self._steps(product, counted_from, kind, months)
        if prior is not None and not similar:
            prior_months = self.months(kind, age_on(birth_date, prior.starts_on))
            earlier = self._steps(prior.level, prior.starts_on, kind, prior_months)
            steps += tuple(replace(s, why=f"earlier cover: {s.why}") for s in earlier)
        steps = tuple(replace(s, from_on=max(s.from_on, start)) for s in steps)
        steps = tuple(sorted(steps, key=lambda s: (s.from_on, self.rank(s.product))))
        ends_on = max(counted_from + relativedelta(months=months), start)
        reason = f"{months} months for {kind.value} from {counted_from}{reason}"
        return WaitingPeriod(kind, months, counted_from, ends_on, steps, reason)

    def cover_on(
        self,
        subscription: Subscription,
        care_date: date,
        kind: Kind | str,
        birth_date: date,
        *,
        event_on: date | None = None,
    ) -> CoverDecision:
        """Whether care of `kind` given on `care_date` is covered and at which product's level.
        `event_on`: for an accident, the day it happened (by default the care date)."""
        kind, sub = Kind(kind), subscription
        if care_date < sub.starts_on:
            return CoverDecision(False, None, f"the cover starts on {sub.starts_on}")
        if sub.ends_on is not None and care_date > sub.ends_on:
            return CoverDecision(False, None, f"the cover ended on {sub.ends_on}")
        note = ""
        if kind is Kind.ACCIDENT:
            if (event_on or care_date) >= sub.starts_on:
                why = "no waiting period for an accident on or after the start date"
                return CoverDecision(True, sub.product, why)
            kind, note = Kind.ILLNESS, f"; the accident of {event_on} was before the start"
        period = self.waiting_period(sub, birth_date, kind)
        reached = [step for step in period.steps if step.from_on <= care_date]
        if not reached:
            why = f"waiting period ({period.reason}) until {period.steps[0].from_on}{note}"
            return CoverDecision(False, None, why, period)
        best = max(reached, key=lambda step: self.rank(step.product))
        return CoverDecision(True, best.product, f"{best.why}{note}", period)

    def _steps(
        self, product: Product, counted_from: date, kind: Kind, months: int
    ) -> tuple[CoverStep, ...]:
        name = self.names[product]
        full = CoverStep(
            counted_from + relativedelta(months=months),
            product,
            f"{name}: waiting period of {months} months from {counted_from} over",
        )
        if kind is not Kind.PREGNANCY:
            return (full,)
        first = self.pregnancy_interim_from_month
        interim = self.pregnancy_interim_product[product]
        return (
            CoverStep(
                counted_from + relativedelta(months=first - 1),
                interim,
                f"{name}: months {first} to {months} of enrolment for a pregnancy, "
                f"the benefit of {self.names[interim]}",
            ),
            full,
        )

    def _continuity(self, subscription: Subscription) -> tuple[PriorCover | None, str]:
        prior = subscription.continuity_from
        if prior is None:
            return None, ""
        if (
            prior.ends_on + DAY < subscription.starts_on
            or prior.starts_on >= subscription.starts_on
        ):
            return None, f"; no continuity with the earlier cover that ended on {prior.ends_on}"
        if self.rank(prior.level) >= self.rank(subscription.product):
            return prior, f" (continuity with a similar cover, {self.names[prior.level]})"
        return prior, f" (the earlier {self.names[prior.level]} covers meanwhile)"

    def _served_from(self, subscription: Subscription) -> date:
        """Since when waiting periods run for this product: the start of a similar earlier
        cover in continuity, else its own start."""
        prior, _ = self._continuity(subscription)
        if prior is not None and self.rank(prior.level) >= self.rank(subscription.product):
            return prior.starts_on
        return subscription.starts_on


def enrol(
    person: str,
    product: Product | str,
    received_on: date,
    *,
    contribution_paid: bool,
    continuity_from: PriorCover | None = None,
) -> Subscription | Refusal:
    return shipped_insurance_rules().enrol(
        person,
        product,
        received_on,
        contribution_paid=contribution_paid,
        continuity_from=continuity_from,
    )


def leave(subscription: Subscription, received_on: date) -> Subscription:
    return shipped_insurance_rules().leave(subscription, received_on)


def switch_product(
    current: Subscription, product: Product | str, received_on: date
) -> tuple[Subscription, Subscription]:
    return shipped_insurance_rules().switch_product(current, product, received_on)


def waiting_period(subscription: Subscription, birth_date: date, kind: Kind | str) -> WaitingPeriod:
    return shipped_insurance_rules().waiting_period(subscription, birth_date, kind)


def cover_on(
    subscription: Subscription,
    care_date: date,
    kind: Kind | str,
    birth_date: date,
    *,
    event_on: date | None = None,
) -> CoverDecision:
    return shipped_insurance_rules().cover_on(
        subscription, care_date, kind, birth_date, event_on=event_on
    )


@cache
def shipped_insurance_rules() -> InsuranceRules:
    return load_insurance_rules()


def load_insurance_rules(path: Path = RULES_FILE) -> InsuranceRules:
    try:
        loaded = yaml.safe_load(path.read_text("utf-8"))
        if not isinstance(loaded, Mapping):
            raise TypeError("the file is not a mapping")
        return _rules(loaded)
    except (LookupError, TypeError, ValueError, yaml.YAMLError) as error:
        raise InsuranceRulesError(f"{path}: {error!r}") from None


def _rules(loaded: Mapping[str, Any]) -> InsuranceRules:
    products = tuple(Product(row["code"]) for row in loaded["products"])
    if sorted(products) != sorted(Product):
        raise ValueError(f"products must list each of {[p.value for p in Product]} once")
    waiting = loaded["waiting_periods"]
    interim = {Product(k): Product(v) for k, v in waiting["pregnancy_interim_product"].items()}
    if set(interim) != set(Product):
        raise ValueError("pregnancy_interim_product needs every product")
    if any(products.index(v) > products.index(k) for k, v in interim.items()):
        raise ValueError("the pregnancy interim benefit cannot be higher than the product")
    months = {
        key: _months(waiting[key])
        for key in (
            "accident_months",
            "illness_months",
            "pregnancy_months",
            "pregnancy_interim_from_month",
            "late_enrolment_months",
        )
    }
    if not 1 <= months["pregnancy_interim_from_month"] <= months["pregnancy_months"]:
        raise ValueError("the pregnancy interim starts within the pregnancy waiting period")
    return InsuranceRules(
        products=products,
        names={Product(row["code"]): str(row["name"]) for row in loaded["products"]},
        pregnancy_interim_product=interim,
        late_enrolment_age=_months(waiting["late_enrolment_age"]),
        sources=tuple(str(source) for source in loaded["sources"]),
        unconfirmed=tuple(str(note) for note in loaded.get("unconfirmed", ())),
        **months,
    )


def _months(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"a whole number of months (or years) is expected, found {value!r}")
    return value
