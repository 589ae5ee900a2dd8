"""One young member's youth savings (jongerensparen, DOS-7): since when they save, the deposits
received, and the payout of the capital when the saving ends — at marriage, at setting up house
(cohabitation) or on the 30th birthday, whichever comes first.

The capital paid out is every deposit received: money the fund holds for the saver is never
kept. The bonus interest is not built (services/payments/youth_savings.yaml). A year's
deposits stay within the yearly maximum, plus what the year before left unpaid (a missed year
may be made up the next year)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.payments.domain.youth_savings import Deposit, YouthSavingsRules
from shared.aggregate import Aggregate
from shared.contracts import Event
from shared.contracts.youth_savings import (
    EndReason,
    YouthSavingsDepositReceived,
    YouthSavingsEnrolled,
    YouthSavingsPayoutDue,
)
from shared.refusal import Refused

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Ended:
    reason: EndReason
    on: date
    amount: Decimal


@dataclass
class YouthSavingsAccount(Aggregate):
    person_id: str
    since: date | None = None
    yearly_amount: Decimal = ZERO
    # The 30th birthday: the saving ends then at the latest.
    ends_on: date | None = None
    deposits: list[Deposit] = field(default_factory=list)
    ended: Ended | None = None
    references: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def stream(cls, person_id: str) -> str:
        return f"youth-savings-{person_id}"

    @property
    def total_saved(self) -> Decimal:
        return sum((d.amount for d in self.deposits), ZERO)

    def enrol(
        self,
        rules: YouthSavingsRules,
        birth_date: date,
        since: date,
        yearly_amount: Decimal,
        today: date,
    ) -> None:
        if not self.is_new:
            raise Refused(f"this member's youth savings are kept since {self.since} already")
        if since > today:
            raise Refused(f"a saving is enrolled from a day gone by, not {since}")
        if since >= rules.closed_to_new_savers_from:
            raise Refused(f"no new youth savings since {rules.closed_to_new_savers_from}")
        if not rules.may_enrol(birth_date, since):
            raise Refused(
                f"a saving starts from the year of the {rules.enrolment_from_age}th birthday up "
                f"to that of the {rules.enrolment_until_age}th, not in {since.year}"
            )
        if not rules.yearly_minimum <= yearly_amount <= rules.yearly_maximum:
            raise Refused(
                f"a yearly saving is {rules.yearly_minimum} to {rules.yearly_maximum} EUR, "
                f"not {yearly_amount}"
            )
        ends_on = rules.payout_date(birth_date)
        if ends_on <= today:
            raise Refused(f"the saving ended on the {rules.payout_age}th birthday, {ends_on}")
        self.record(
            YouthSavingsEnrolled(
                person_id=self.person_id,
                since=since,
                yearly_amount=yearly_amount,
                ends_on=ends_on,
            )
        )

    def deposit(
        self,
        rules: YouthSavingsRules,
        amount: Decimal,
        received_on: date,
        today: date,
        reference: str | None = None,
    ) -> None:
        """Money in. A deposit whose bank reference was recorded before changes nothing."""
        since, ends_on = self._saving()
        if reference is not None and reference in self.references:
            return
        if not since <= received_on <= today:
            raise Refused(f"a deposit is received from {since} to today, not on {received_on}")
        if received_on >= ends_on:
            raise Refused(f"no deposit from the 30th birthday on ({ends_on})")
        year = received_on.year
        for affected in (year, year + 1):
            room = self._room(rules.yearly_maximum, since, affected, added={year: amount})
            if room < 0:
                raise Refused(
                    f"{amount} EUR received in {year} goes {-room} EUR above the yearly "
                    f"maximum of {rules.yearly_maximum} (with what {affected - 1} left unpaid)"
                )
        self.record(
            YouthSavingsDepositReceived(
                person_id=self.person_id,
                amount=amount,
                received_on=received_on,
                reference=reference,
                saved=self.total_saved + amount,
            )
        )

    def end(self, reason: EndReason, on: date, booklet_id: str, today: date) -> None:
        """Marriage or cohabitation on `on`: the capital falls due."""
        since, ends_on = self._saving()
        if not since <= on <= today:
            raise Refused(f"a saving kept since {since} ends on a day from then to today")
        if on >= ends_on:
            raise Refused(f"the saving ends on the 30th birthday, {ends_on}, before {on}")
        self._pay_out(reason, on, booklet_id)

    def reach_payout_age(self, booklet_id: str, today: date) -> None:
        """The 30th birthday: the capital falls due, unless the saving ended before."""
        if self.ends_on is None or self.ended is not None or today < self.ends_on:
            return
        self._pay_out("age_30", self.ends_on, booklet_id)

    def apply(self, event: Event) -> None:
        match event:
            case YouthSavingsEnrolled() as enrolled:
                self.since, self.ends_on = enrolled.since, enrolled.ends_on
                self.yearly_amount = enrolled.yearly_amount
            case YouthSavingsDepositReceived(amount=amount, received_on=on, reference=ref):
                self.deposits.append(Deposit(on.year, amount, on))
                if ref is not None:
                    self.references.add(ref)
            case YouthSavingsPayoutDue(reason=reason, ended_on=on, amount=amount):
                self.ended = Ended(reason, on, amount)

    def _saving(self) -> tuple[date, date]:
        if self.since is None or self.ends_on is None:
            raise Refused("this member has no youth savings")
        if self.ended is not None:
            raise Refused(f"the saving ended on {self.ended.on} ({self.ended.reason})")
        return self.since, self.ends_on

    def _room(self, maximum: Decimal, since: date, year: int, added: dict[int, Decimal]) -> Decimal:
        """What year `year` may still receive (negative: too much) with the deposits `added`:
        the yearly maximum, plus what the year before (from the first year on) left unpaid."""

        def received(y: int) -> Decimal:
            return sum((d.amount for d in self.deposits if d.year == y), added.get(y, ZERO))

        allowed = maximum
        if year > since.year:
            allowed += max(ZERO, maximum - received(year - 1))
        return allowed - received(year)

    def _pay_out(self, reason: EndReason, on: date, booklet_id: str) -> None:
        self.record(
            YouthSavingsPayoutDue(
                person_id=self.person_id,
                booklet_id=booklet_id,
                reason=reason,
                ended_on=on,
                amount=self.total_saved,
            )
        )


def expected_payout(
    rules: YouthSavingsRules,
    since: date,
    yearly_amount: Decimal,
    ends_on: date,
    received: Iterable[Deposit],
    today: date,
) -> Decimal:
    """The capital expected at the end if the saver pays the yearly amount chosen from now on:
    what was received, a deposit this year if none was received yet, and one each later year
    before the saving ends."""
    received = list(received)
    paid_this_year = any(d.year == today.year for d in received)
    to_come = [
        d
        for d in rules.deposits(since, ends_on, yearly=yearly_amount)
        if d.on < ends_on and (d.year > today.year or (d.year == today.year and not paid_this_year))
    ]
    return sum((d.amount for d in [*received, *to_come]), ZERO)
