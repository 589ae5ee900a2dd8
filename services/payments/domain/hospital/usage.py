"""A person's usage of a calendar year's limits in the hospitalisation insurance (PAY-5), and
the money helpers of the hospital_* modules (Decimal, cents, ROUND_HALF_UP)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def eur(amount: Decimal) -> str:
    return f"{money(amount)} EUR"


@dataclass(frozen=True)
class YearUsage:
    """What one insured person used of one calendar year's limits.

    paid: money per counter (a yearly maximum's key, 'foreign', 'transport_km',
    'plate_prosthesis'); counts: nights or items ('parent_stay', 'psychiatric', 'crowns',
    'implants'); deducted: deductibles taken ('stay', 'single_room', 'serious_illness')."""

    paid: Mapping[str, Decimal] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    deducted: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("paid", "deducted"):
            amounts = {k: _decimal(v) for k, v in getattr(self, name).items()}
            object.__setattr__(self, name, MappingProxyType(amounts))
        object.__setattr__(
            self, "counts", MappingProxyType({k: int(v) for k, v in self.counts.items()})
        )


def _decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float | bool):
        raise TypeError(f"money is a Decimal, an int or a string, not {value!r}")
    return money(Decimal(value))


class Ledger:
    """The person's usage per calendar year while a claim is decided."""

    def __init__(self, history: Mapping[int, YearUsage]) -> None:
        self._paid = {y: dict(u.paid) for y, u in history.items()}
        self._counts = {y: dict(u.counts) for y, u in history.items()}
        self._deducted = {y: dict(u.deducted) for y, u in history.items()}

    def paid(self, year: int, key: str) -> Decimal:
        return self._paid.get(year, {}).get(key, ZERO)

    def count(self, year: int, key: str) -> int:
        return self._counts.get(year, {}).get(key, 0)

    def deducted(self, year: int, key: str) -> Decimal:
        return self._deducted.get(year, {}).get(key, ZERO)

    def add_paid(self, year: int, key: str, amount: Decimal) -> None:
        self._paid.setdefault(year, {})[key] = self.paid(year, key) + amount

    def add_count(self, year: int, key: str, units: int) -> None:
        self._counts.setdefault(year, {})[key] = self.count(year, key) + units

    def add_deducted(self, year: int, key: str, amount: Decimal) -> None:
        self._deducted.setdefault(year, {})[key] = self.deducted(year, key) + amount

    def usage(self) -> Mapping[int, YearUsage]:
        years = sorted(set(self._paid) | set(self._counts) | set(self._deducted))
        return MappingProxyType(
            {
                y: YearUsage(
                    self._paid.get(y, {}), self._counts.get(y, {}), self._deducted.get(y, {})
                )
                for y in years
            }
        )
