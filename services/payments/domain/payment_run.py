"""What a payment run pays, to whom (PAY-6): each item due goes to one account, once.

A member's items go to the account of the person they are for, or, when that person has none
(a child), to the holder of their booklet; with no account on either, the items wait with the
reason and go out in the first run after one is known. Third-party payment items go to the
provider. Items are grouped per account into one payment. Pure: the run (payment_runs.py)
loads the items and the accounts and records what this decides."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Item:
    item_id: str
    kind: str
    person_id: str
    booklet_id: str
    amount: Decimal
    payee: str  # member | provider
    certificate_id: str | None = None
    care_date: date | None = None
    provider_riziv_number: str | None = None
    provider_name: str | None = None
    provider_iban: str | None = None
    held: bool = False


@dataclass(frozen=True)
class Account:
    """Where a person is paid: their own account, named after them."""

    person_id: str
    name: str
    iban: str
    bic: str | None


@dataclass(frozen=True)
class MemberPayment:
    payment_id: str
    account: Account
    items: tuple[Item, ...]

    @property
    def amount(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)


@dataclass(frozen=True)
class ProviderPayment:
    payment_id: str
    riziv_number: str
    name: str
    iban: str
    items: tuple[Item, ...]

    @property
    def amount(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)


@dataclass(frozen=True)
class Held:
    """A person's items that cannot go out yet; `newly`: those not held in an earlier run."""

    person_id: str
    items: tuple[Item, ...]

    @property
    def amount(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)

    @property
    def newly(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if not i.held)


@dataclass(frozen=True)
class Plan:
    members: tuple[MemberPayment, ...]
    providers: tuple[ProviderPayment, ...]
    held: tuple[Held, ...]


def payment_id(run_id: str, payee: str) -> str:
    """The same run paying the same account gets the same id, however often it is redone."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mutualis:payment:{run_id}:{payee}"))


def plan(
    run_id: str,
    items: Iterable[Item],
    accounts: dict[str, Account],
    holders: dict[str, str],
) -> Plan:
    """`accounts`: by person id, of those who have one; `holders`: booklet id → the holder's
    person id."""
    to_members: dict[str, list[Item]] = defaultdict(list)
    to_providers: dict[tuple[str, str], list[Item]] = defaultdict(list)
    waiting: dict[str, list[Item]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for item in items:
        if item.amount <= 0:
            continue
        if item.payee == "provider":
            key = (item.provider_riziv_number or "", item.provider_iban or "")
            to_providers[key].append(item)
            names[key] = item.provider_name or ""
            continue
        payee = _payee(item, accounts, holders)
        if payee is None:
            waiting[item.person_id].append(item)
        else:
            to_members[payee].append(item)
    return Plan(
        members=tuple(
            MemberPayment(payment_id(run_id, f"member:{person}"), accounts[person], tuple(paid))
            for person, paid in sorted(to_members.items())
        ),
        providers=tuple(
            ProviderPayment(
                payment_id(run_id, f"provider:{riziv}:{iban}"),
                riziv,
                names[(riziv, iban)],
                iban,
                tuple(paid),
            )
            for (riziv, iban), paid in sorted(to_providers.items())
        ),
        held=tuple(Held(person, tuple(w)) for person, w in sorted(waiting.items())),
    )


def _payee(item: Item, accounts: dict[str, Account], holders: dict[str, str]) -> str | None:
    if item.person_id in accounts:
        return item.person_id
    holder = holders.get(item.booklet_id)
    return holder if holder in accounts else None
