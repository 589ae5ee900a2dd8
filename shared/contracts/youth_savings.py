"""Contracts of youth savings (jongerensparen / épargne jeunes, DOS-7), kept by the payments
service: member services enrol a young member whose parent or relative saves for them, record
the deposits received (money in) and the marriage or cohabitation that ends the saving; the
30th birthday ends it by itself. The capital then falls due to the young person and the
payment run pays it like any reimbursement (money out).

Commands name the young member by national register number; events by the dossier's
`person_id`. Amounts and dates stay readable, as in the payments contracts: they say nothing
of whom they are about once the person is erased. Money is `Decimal` with two decimals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from shared.contracts.payments import MEMBER_SERVICES, Money
from shared.contracts.registry import Command, Event, commands, events
from shared.identifiers import Insz

# What a saver pays: the bounds (18 to 48 EUR a year) are the rules' (youth_savings.yaml),
# checked by the account, not fixed in the contract.
Deposited = Annotated[Decimal, Field(gt=0, max_digits=8, decimal_places=2)]
EndReason = Literal["marriage", "cohabitation", "age_30"]


# --- commands -----------------------------------------------------------------------------------


@commands.register
class EnrolInYouthSavings(Command):
    """A young member saves (their parent or a relative saves for them) since `since`, the
    yearly amount chosen: from the year of their 14th birthday to that of their 27th, and
    only for savings started before the fund closed it to new savers (2024)."""

    type_name = "EnrolInYouthSavings"
    allowed_roles = MEMBER_SERVICES

    national_register_number: Insz
    since: date
    yearly_amount: Deposited


@commands.register
class RecordYouthSavingsDeposit(Command):
    """A saver's deposit received on the fund's account. `reference`: the bank's reference of
    the transfer; the same reference recorded again changes nothing."""

    type_name = "RecordYouthSavingsDeposit"
    allowed_roles = MEMBER_SERVICES

    national_register_number: Insz
    amount: Deposited
    received_on: date
    reference: str | None = Field(None, min_length=1, max_length=35)


@commands.register
class EndYouthSavings(Command):
    """The young member married or set up house (a cohabitation declaration) on `on`: the
    saving ends and its capital falls due to them."""

    type_name = "EndYouthSavings"
    allowed_roles = MEMBER_SERVICES

    national_register_number: Insz
    reason: Literal["marriage", "cohabitation"]
    on: date


# --- events -------------------------------------------------------------------------------------


@events.register
class YouthSavingsEnrolled(Event):
    """A young member's saving is kept since `since`; it ends on `ends_on` (their 30th
    birthday) at the latest."""

    type_name = "YouthSavingsEnrolled"

    person_id: str
    since: date
    yearly_amount: Money
    ends_on: date


@events.register
class YouthSavingsDepositReceived(Event):
    """Money in: a deposit received for the young member; `saved`, all received so far."""

    type_name = "YouthSavingsDepositReceived"

    person_id: str
    amount: Money
    received_on: date
    reference: str | None
    saved: Money


@events.register
class YouthSavingsPayoutDue(Event):
    """Money out: the saving ended (`reason`, on `ended_on`) and its capital, every deposit
    received, is due to the young member; the next payment run pays it (item
    `youth_savings:<person_id>`). The bonus interest is not included (its table was not
    found)."""

    type_name = "YouthSavingsPayoutDue"

    person_id: str
    booklet_id: str
    reason: EndReason
    ended_on: date
    amount: Money
