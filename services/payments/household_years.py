"""The households' maximum bills (DOS-6, PAY-4), kept current by the commands that change
them: co-payments counted as certificates are reimbursed, the income bracket the tax office
gives, a chronic illness recognised. Each keeps the ceiling as the household now stands
(bracket, VT anywhere on the booklet that year, chronic illness) and books what falls due as
refunds to pay."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.payments.care_records import Certificates, HouseholdYearKey
from services.payments.domain.entitlement import vt_in_year
from services.payments.domain.household_year import ZERO, CoPayment, HouseholdYear
from services.payments.domain.maf import shipped_maf_rules
from services.payments.domain.payment_run import Item
from services.payments.members import Member, Members
from services.payments.payables import Payables
from shared.clock import brussels_day
from shared.contracts.payments import (
    HouseholdCount,
    MafRefundDue,
    RecognizeChronicIllness,
    SetIncomeBracket,
)
from shared.messaging.commands import CommandContext
from shared.refusal import Refused


async def count(
    ctx: CommandContext, by_year: Mapping[HouseholdYearKey, list[CoPayment]], today: date
) -> list[HouseholdCount]:
    """A batch's co-payments, counted on each household's year, every household read at once;
    what each counter came to, for the batch's CoPaymentsCounted."""
    new = {key: [c for c in co_payments if c.amount] for key, co_payments in by_year.items()}
    amounts = {key: sum((c.amount for c in cs), ZERO) for key, cs in new.items() if cs}
    view = ctx.uow.view(Certificates)
    counters = await view.count_households(amounts)
    totals = counters | await view.household_totals(k for k in by_year if k not in counters)
    keys = sorted(by_year)
    households = await ctx.aggregates.get_many(HouseholdYear, keys)
    known = await Households.read(
        ctx, {booklet_id for booklet_id, _ in keys}, {year for _, year in keys}
    )
    for household in households:
        key = (household.booklet_id, household.year)
        counted = totals.get(key, ZERO)
        known.settle_ceiling(household, household.bracket, counted - amounts.get(key, ZERO))
        if key in amounts:
            household.count(counted, new[key])
    await _save(ctx, households, today)
    return [
        HouseholdCount(booklet_id=key[0], year=key[1], amount=amounts[key], counted=counted)
        for key, counted in sorted(counters.items())
    ]


async def set_income_bracket(command: SetIncomeBracket, ctx: CommandContext) -> None:
    household = await ctx.aggregates.get(HouseholdYear, command.booklet_id, command.year)
    await _settle_ceiling(ctx, household, command.bracket)
    await _save(ctx, [household], brussels_day(ctx.now))


async def recognize_chronic_illness(command: RecognizeChronicIllness, ctx: CommandContext) -> None:
    member = await ctx.uow.view(Members).find(command.national_register_number)
    if member is None:
        raise Refused("no member of the fund has this national register number")
    household = await ctx.aggregates.get(HouseholdYear, member.booklet_id, command.year)
    household.recognize_chronic_illness(member.person_id)
    await _settle_ceiling(ctx, household, household.bracket)
    await _save(ctx, [household], brussels_day(ctx.now))


HANDLERS = {
    SetIncomeBracket: set_income_bracket,
    RecognizeChronicIllness: recognize_chronic_illness,
}


@dataclass(frozen=True)
class Households:
    """The persons of some booklets and their VT histories: what their ceilings depend on."""

    persons: dict[str, list[Member]]
    entitlements: dict[str, list[tuple[date, bool]]]
    # (person, year) → legal co-payments of the years before those asked for.
    co_payments: dict[tuple[str, int], Decimal]

    @classmethod
    async def read(cls, ctx: CommandContext, booklet_ids: set[str], years: set[int]) -> Households:
        members = ctx.uow.view(Members)
        persons = await members.households(booklet_ids)
        everyone = {p.person_id for household in persons.values() for p in household}
        before = {y - n for y in years for n in (1, 2)}
        return cls(
            persons,
            await members.entitlement_history(everyone),
            await ctx.uow.view(Certificates).co_payments(everyone, before),
        )

    def chronic(self, household: HouseholdYear) -> bool:
        """A member recognised chronically ill this year, or one whose co-payments of each of
        the two years before reached that year's thresholds."""
        year, rules = household.year, shipped_maf_rules()
        return bool(household.chronically_ill) or any(
            rules.chronic(
                year,
                status=False,
                co_payments_previous_years=(
                    self.co_payments.get((p.person_id, year - 2), ZERO),
                    self.co_payments.get((p.person_id, year - 1), ZERO),
                ),
            )
            for p in self.persons[household.booklet_id]
        )

    def settle_ceiling(
        self, household: HouseholdYear, bracket: int | None, counted: Decimal
    ) -> None:
        persons = self.persons[household.booklet_id]
        holder = next((p.person_id for p in persons if p.role == "holder"), None)
        if holder is None:
            raise Refused(f"no booklet {household.booklet_id} is known to payments")
        ceiling = shipped_maf_rules().ceiling(
            household.year,
            bracket=bracket,
            vt_household=any(
                vt_in_year(self.entitlements.get(p.person_id, []), household.year) for p in persons
            ),
            chronic=self.chronic(household),
        )
        household.set_ceiling(ceiling, holder, counted)


async def _settle_ceiling(
    ctx: CommandContext, household: HouseholdYear, bracket: int | None
) -> None:
    known = await Households.read(ctx, {household.booklet_id}, {household.year})
    counted = await _counted(ctx, (household.booklet_id, household.year))
    known.settle_ceiling(household, bracket, counted)


async def _counted(ctx: CommandContext, key: HouseholdYearKey) -> Decimal:
    return (await ctx.uow.view(Certificates).household_totals([key])).get(key, ZERO)


async def _save(ctx: CommandContext, households: list[HouseholdYear], today: date) -> None:
    refunds = [e for h in households for e in h.pending if isinstance(e, MafRefundDue)]
    await ctx.aggregates.save(*(h for h in households if h.pending))
    await ctx.uow.view(Payables).owe(
        [
            Item(
                item_id=f"refund:{r.refund_id}",
                kind="maf_refund",
                person_id=r.person_id,
                booklet_id=r.booklet_id,
                amount=r.amount,
                payee="member",
                certificate_id=r.certificate_id,
            )
            for r in refunds
        ],
        today,
    )
