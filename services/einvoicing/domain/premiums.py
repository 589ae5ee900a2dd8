"""Premiums of the Neutra optional hospitalisation insurances (INV-7). Pure decisions on the
tables in `services/einvoicing/premiums/neutra-<year>.yaml`, one file per year.

Rules encoded (seed 003; sources and readings in the YAML file and its README):
- Neutra +, Confort and Top: a monthly premium per insured person by age band. The band is set
  by the age reached on 31 December of the premium's year ("de jaarlijkse premie is altijd
  gebaseerd op de leeftijd op 31 december van het lopende jaar"). The "Nth levensjaar" (year of
  life) runs from the (N-1)th to the Nth birthday, so whoever is A years old on 31 December is
  then in levensjaar A+1, and the band is the one whose levensjaren hold that day. Examples for
  premium year 2026: born 2020-06-15 -> 6 on 31 December, 7th levensjaar -> band 2 (not free);
  born 2021-12-31 -> 5, 6th levensjaar -> band 1; born 2001-01-01 and 2001-12-31 -> both 25,
  26th levensjaar -> band 3: the day of birth within the year never changes the band.
- Free child premium (footnote *): a child in band 1 of Neutra + or Confort pays 0,00 when a
  household member is insured by Neutra with comparable or higher cover, otherwise 2,42 (+) or
  6,12 (Confort). Cover order, lowest first: Base < Optimum < + < Confort < Top.
- Neutra Base and Optimum: a contribution per household and month, without / with dependants.
- The membership contribution to the fund's supplementary insurance, a condition to join: an
  amount where one was found (provisional for a later year), else unknown, never invented.
- A year after the last year with a table is computed on that table and marked provisional."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shared.contracts.insurance import Product

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TABLES_DIR = Path(__file__).resolve().parent.parent / "premiums"


class Fund(StrEnum):
    """The funds whose members may join (seed 003 "Wie kan zich inschrijven")."""

    LA_MUTUALITE_NEUTRE = "la_mutualite_neutre"  # Neutrale Mutualiteit (Namen, Charleroi, Luik)
    MUTUALIA = "mutualia"  # Mutualia, Neutrale Mutualiteit


class PremiumDataError(ValueError):
    """A premium table file is missing something or says something that cannot be right."""


class NoPremiumTable(LookupError):
    """The year comes before the first year with a premium table."""


@dataclass(frozen=True)
class Band:
    number: int  # 1 = the youngest
    levensjaar_from: int
    levensjaar_to: int | None  # None: no upper bound
    label: str  # the sheet's own words

    def holds(self, levensjaar: int) -> bool:
        upper = self.levensjaar_to
        return self.levensjaar_from <= levensjaar and (upper is None or levensjaar <= upper)


@dataclass(frozen=True)
class FoundContribution:
    amount: Decimal | None  # None: not found
    figure_year: int | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PremiumTable:
    year: int
    products: tuple[Product, ...]  # cover order, lowest first
    bands: tuple[Band, ...]
    per_person: Mapping[Product, tuple[Decimal, ...]]  # one amount per band
    free_child_band: int
    free_child_otherwise: Mapping[Product, Decimal]
    per_household: Mapping[Product, tuple[Decimal, Decimal]]  # without, with dependants
    membership: Mapping[Fund, FoundContribution]
    sources: tuple[str, ...]
    unconfirmed: tuple[str, ...] = ()

    def rank(self, product: Product) -> int:
        return self.products.index(product)

    def band_for(self, birth_date: date, year: int) -> tuple[Band, int]:
        """The band of `year` and the age reached on its 31 December."""
        age = age_on_31_december(birth_date, year)
        return next(band for band in self.bands if band.holds(age + 1)), age


@dataclass(frozen=True)
class PremiumLine:
    """One insured person's monthly premium."""

    product: Product
    year: int
    amount: Decimal
    band: int
    band_label: str
    age_on_31_december: int
    free_child: bool  # footnote * made it 0,00
    reason: str  # why this amount, in words
    provisional: bool  # no table for `year`: that of `table_year` used
    table_year: int
    person: str | None = None


@dataclass(frozen=True)
class HouseholdLine:
    """A household's monthly contribution to Neutra Base or Optimum."""

    product: Product
    year: int
    with_dependants: bool
    amount: Decimal
    reason: str
    provisional: bool
    table_year: int


@dataclass(frozen=True)
class InsuredPerson:
    person: str
    product: Product
    birth_date: date
    dependant: bool = False  # persoon ten laste of the holder


@dataclass(frozen=True)
class HouseholdPremiums:
    year: int
    persons: tuple[PremiumLine, ...]
    households: tuple[HouseholdLine, ...]
    provisional: bool

    @property
    def total(self) -> Decimal:
        lines = (*self.persons, *self.households)
        return sum((line.amount for line in lines), ZERO)


@dataclass(frozen=True)
class MembershipContribution:
    """The monthly contribution to the supplementary insurance (bijdrage aanvullende
    verzekering) one must pay to join; `amount` None when no source gave it."""

    fund: Fund
    year: int
    amount: Decimal | None
    known: bool
    provisional: bool  # the amount is that of `figure_year`, not of `year`
    figure_year: int | None
    note: str


def age_on_31_december(birth_date: date, year: int) -> int:
    """The age reached on 31 December of `year` (a birthday on 31 December counts)."""
    if birth_date.year > year:
        raise ValueError(f"born on {birth_date}, after premium year {year}")
    return year - birth_date.year


class PremiumTables:
    def __init__(self, tables: Mapping[int, PremiumTable]) -> None:
        if not tables:
            raise PremiumDataError("no year has a premium table")
        self._tables = dict(tables)

    def table(self, year: int) -> PremiumTable:
        """The table used for `year`: its own, or the last one before it (then provisional)."""
        known = [known for known in self._tables if known <= year]
        if not known:
            first = min(self._tables)
            raise NoPremiumTable(f"no premium table for {year} (the first year is {first})")
        return self._tables[max(known)]

    def provisional(self, year: int) -> bool:
        return self.table(year).year != year

    def monthly_premium(
        self,
        product: Product | str,
        birth_date: date,
        year: int,
        *,
        family_covers: Iterable[Product | str] = (),
        person: str | None = None,
    ) -> PremiumLine:
        """One person's monthly premium; `family_covers`: the Neutra products other household
        members hold (only the free child premium looks at them)."""
        product, table = Product(product), self.table(year)
        if product not in table.per_person:
            raise ValueError(f"{product.label} is paid per household: see household_contribution")
        band, age = table.band_for(birth_date, year)
        amount = table.per_person[product][band.number - 1]
        free_child, reason = False, f"{band.label} (age {age} on 31 December {year})"
        if band.number == table.free_child_band and product in table.free_child_otherwise:
            free_child, amount, why = _child_rule(table, product, family_covers)
            reason = f"{reason}; {why}"
        return PremiumLine(
            product=product,
            year=year,
            amount=amount,
            band=band.number,
            band_label=band.label,
            age_on_31_december=age,
            free_child=free_child,
            reason=reason,
            provisional=table.year != year,
            table_year=table.year,
            person=person,
        )

    def household_contribution(
        self, product: Product | str, year: int, with_dependants: bool
    ) -> Decimal:
        """Neutra Base or Optimum: the monthly contribution per household (gezin)."""
        product = Product(product)
        amounts = self.table(year).per_household.get(product)
        if amounts is None:
            raise ValueError(f"{product.label} is paid per person: see monthly_premium")
        return amounts[1] if with_dependants else amounts[0]

    def household_premiums(self, persons: Sequence[InsuredPerson], year: int) -> HouseholdPremiums:
        """A household's monthly lines: one per insured person on +, Confort or Top (the free
        child premium looking at the other members' products), one per household for each of
        Base and Optimum held, with dependants when a person insured on it is a dependant."""
        table = self.table(year)
        lines = [
            self.monthly_premium(
                insured.product,
                insured.birth_date,
                year,
                family_covers=_others_covers(table, persons, index, year),
                person=insured.person,
            )
            for index, insured in enumerate(persons)
            if insured.product in table.per_person
        ]
        households = [
            self._household_line(product, year, [p for p in persons if p.product is product])
            for product in table.products
            if product in table.per_household and any(p.product is product for p in persons)
        ]
        return HouseholdPremiums(year, tuple(lines), tuple(households), table.year != year)

    def membership_contribution(self, fund: Fund | str, year: int) -> MembershipContribution:
        fund, table = Fund(fund), self.table(year)
        found = table.membership.get(fund)
        if found is None or found.amount is None or found.figure_year is None:
            note = f"unknown: no source found for the {fund.value} contribution; ask the fund"
            return MembershipContribution(fund, year, None, False, False, None, note)
        provisional = found.figure_year != year
        note = "; ".join(found.sources)
        if provisional:
            note = f"provisional: the {found.figure_year} amount (none found for {year}); {note}"
        return MembershipContribution(
            fund, year, found.amount, True, provisional, found.figure_year, note
        )

    def _household_line(
        self, product: Product, year: int, insured: Sequence[InsuredPerson]
    ) -> HouseholdLine:
        with_dependants = any(person.dependant for person in insured)
        table = self.table(year)
        wording = "met personen ten laste" if with_dependants else "geen personen ten laste"
        return HouseholdLine(
            product=product,
            year=year,
            with_dependants=with_dependants,
            amount=self.household_contribution(product, year, with_dependants),
            reason=f"{product.label}: maandelijkse bijdrage per gezin, {wording}",
            provisional=table.year != year,
            table_year=table.year,
        )


def _child_rule(
    table: PremiumTable, product: Product, family_covers: Iterable[Product | str]
) -> tuple[bool, Decimal, str]:
    covers = {Product(cover) for cover in family_covers}
    qualifying = sorted(
        (cover for cover in covers if table.rank(cover) >= table.rank(product)), key=table.rank
    )
    if qualifying:
        names = ", ".join(cover.label for cover in qualifying)
        return True, ZERO, f"free child premium (*): a household member holds {names}"
    otherwise = table.free_child_otherwise[product]
    return (
        False,
        otherwise,
        f"child premium (*) {otherwise}: no household member holds {product.label} or higher",
    )


def _others_covers(
    table: PremiumTable, persons: Sequence[InsuredPerson], index: int, year: int
) -> list[Product]:
    """The products of the other members, but not those whose own premium the free child rule
    may waive: two young siblings do not make each other free."""
    return [
        other.product
        for position, other in enumerate(persons)
        if position != index and not _waivable(table, other, year)
    ]


def _waivable(table: PremiumTable, insured: InsuredPerson, year: int) -> bool:
    band, _ = table.band_for(insured.birth_date, year)
    return band.number == table.free_child_band and insured.product in table.free_child_otherwise


def premium_tables(year: int) -> PremiumTable:
    """The shipped table used for `year` (the last known one after it: provisional)."""
    return shipped_premium_tables().table(year)


def monthly_premium(
    product: Product | str,
    birth_date: date,
    year: int,
    *,
    family_covers: Iterable[Product | str] = (),
) -> PremiumLine:
    return shipped_premium_tables().monthly_premium(
        product, birth_date, year, family_covers=family_covers
    )


def household_contribution(product: Product | str, year: int, with_dependants: bool) -> Decimal:
    return shipped_premium_tables().household_contribution(product, year, with_dependants)


def household_premiums(persons: Sequence[InsuredPerson], year: int) -> HouseholdPremiums:
    return shipped_premium_tables().household_premiums(persons, year)


def membership_contribution(fund: Fund | str, year: int) -> MembershipContribution:
    return shipped_premium_tables().membership_contribution(fund, year)


@cache
def shipped_premium_tables() -> PremiumTables:
    return load_premium_tables(TABLES_DIR)


def load_premium_tables(directory: Path = TABLES_DIR) -> PremiumTables:
    tables = [load_premium_table(path) for path in sorted(directory.glob("neutra-*.yaml"))]
    by_year = {table.year: table for table in tables}
    if len(by_year) != len(tables):
        raise PremiumDataError(f"{directory}: two files for the same year")
    return PremiumTables(by_year)


def load_premium_table(path: Path) -> PremiumTable:
    try:
        loaded = yaml.safe_load(path.read_text("utf-8"))
        if not isinstance(loaded, Mapping):
            raise TypeError("the file is not a mapping")
        table = _table(loaded)
        if path.stem != f"neutra-{table.year}":
            raise ValueError(f"year {table.year} in a file named {path.name}")
        return table
    except (LookupError, TypeError, ValueError, ArithmeticError, yaml.YAMLError) as error:
        raise PremiumDataError(f"{path}: {error!r}") from None


def _table(loaded: Mapping[str, Any]) -> PremiumTable:
    products = tuple(Product(code) for code in loaded["products"])
    if sorted(products) != sorted(Product):
        raise ValueError(f"products must list each of {[p.value for p in Product]} once")
    bands = _bands(loaded["bands"])
    per_person = {
        Product(code): tuple(_amount(text) for text in amounts)
        for code, amounts in loaded["per_person"].items()
    }
    if any(len(amounts) != len(bands) for amounts in per_person.values()):
        raise ValueError(f"per_person needs one amount for each of the {len(bands)} bands")
    free = loaded["free_child_premium"]
    otherwise = {Product(code): _amount(text) for code, text in free["otherwise"].items()}
    band = int(free["band"])
    if any(code not in per_person or per_person[code][band - 1] != ZERO for code in otherwise):
        raise ValueError("a free child premium must be 0.00 in its band of per_person")
    per_household = {
        Product(code): (_amount(both["without_dependants"]), _amount(both["with_dependants"]))
        for code, both in loaded["per_household"].items()
    }
    paid = set(per_person) | set(per_household)
    if set(per_person) & set(per_household) or paid != set(Product):
        raise ValueError("each product is paid either per person or per household")
    return PremiumTable(
        year=int(loaded["year"]),
        products=products,
        bands=bands,
        per_person=per_person,
        free_child_band=band,
        free_child_otherwise=otherwise,
        per_household=per_household,
        membership=_membership(loaded.get("membership_contribution") or {}),
        sources=tuple(str(source) for source in loaded["sources"]),
        unconfirmed=tuple(str(note) for note in loaded.get("unconfirmed", ())),
    )


def _bands(rows: Sequence[Mapping[str, Any]]) -> tuple[Band, ...]:
    bands, expected = [], 1
    for number, row in enumerate(rows, start=1):
        upper = row["levensjaar_to"]
        band = Band(
            number,
            int(row["levensjaar_from"]),
            None if upper is None else int(upper),
            str(row["label"]),
        )
        if band.levensjaar_from != expected:
            raise ValueError(
                f"band {number} starts at levensjaar {band.levensjaar_from}, not {expected}"
            )
        if band.levensjaar_to is None and number != len(rows):
            raise ValueError(f"only the last band is open, not band {number}")
        if band.levensjaar_to is not None and band.levensjaar_to < band.levensjaar_from:
            raise ValueError(f"band {number} ends before it starts")
        bands.append(band)
        expected = (band.levensjaar_to or 0) + 1
    if not bands or bands[-1].levensjaar_to is not None:
        raise ValueError("the last band must be open (levensjaar_to: null)")
    return tuple(bands)


def _membership(rows: Mapping[str, Mapping[str, Any]]) -> dict[Fund, FoundContribution]:
    found = {}
    for code, row in rows.items():
        amount = None if row["amount"] is None else _amount(row["amount"])
        year = None if row["figure_year"] is None else int(row["figure_year"])
        if (amount is None) != (year is None):
            raise ValueError(f"{code}: an amount and its figure_year go together")
        found[Fund(code)] = FoundContribution(amount, year, tuple(map(str, row["sources"])))
    return found


def _amount(text: Any) -> Decimal:
    if not isinstance(text, str):
        raise TypeError(f"amounts are strings in the file, found {text!r}")
    amount = Decimal(text)
    if amount != amount.quantize(CENT) or amount < ZERO:
        raise ValueError(f"{text!r} is not an amount in euros with 2 decimals")
    return amount.quantize(CENT)
