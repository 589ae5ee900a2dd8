"""The Neutra hospitalisation-insurance product tables (PAY-5), loaded from the data files in
`services/payments/hospital/` (one file per product and year; see the README there).

A file is validated when it is loaded: a wrong file raises `HospitalTableError` naming the file
and the fault. Loading is cached; `shipped_hospital_tables()` loads every shipped file and
`table_for(product, on)` picks the table in force on a day."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from services.payments.domain.hospital.products import (
    Deductible,
    ForeignCover,
    LineKind,
    Premium,
    Product,
    ProductTable,
    Row,
    Rule,
    Setting,
    YearlyMaximum,
)

TABLES_DIR = Path(__file__).resolve().parents[2] / "hospital"
CENT = Decimal("0.01")


class HospitalTableError(ValueError):
    """A product table file is missing a field or has a wrong one."""


_NEEDS = {
    Rule.PERCENT: ("rate",),
    Rule.PER_DAY: ("amount",),
    Rule.PER_NIGHT: ("amount",),
    Rule.PER_CASE: ("amount",),
    Rule.PER_ITEM: ("amount",),
    Rule.PER_KM: ("amount", "yearly_cap", "counter"),
    Rule.YEARLY_AMOUNT: ("amount", "counter"),
    Rule.LEGAL_FEE_MULTIPLE: ("rate",),
    Rule.LEGAL_INTERVENTION_MULTIPLE: ("rate",),
    Rule.CO_PAYMENT_PERCENT: ("rate",),
}


def load_hospital_table(path: Path) -> ProductTable:
    try:
        loaded = yaml.safe_load(path.read_text("utf-8"))
        if not isinstance(loaded, Mapping):
            raise TypeError("the file is not a mapping")
        return _table(loaded)
    except (KeyError, TypeError, ValueError, ArithmeticError, yaml.YAMLError) as error:
        raise HospitalTableError(f"{path}: {error!r}") from None


@cache
def _load_cached(path: Path) -> ProductTable:
    return load_hospital_table(path)


@cache
def shipped_hospital_tables() -> tuple[ProductTable, ...]:
    """Every table shipped in services/payments/hospital/, by product and date."""
    tables = tuple(_load_cached(path) for path in sorted(TABLES_DIR.glob("neutra-*-*.yaml")))
    return tuple(sorted(tables, key=lambda t: (list(Product).index(t.product), t.valid_from)))


def table_for(
    product: Product, on: date, tables: Iterable[ProductTable] | None = None
) -> ProductTable:
    """The table of `product` in force on `on` (the latest one valid from that day or before)."""
    candidates = [
        t
        for t in (shipped_hospital_tables() if tables is None else tables)
        if t.product == product and t.valid_from <= on
    ]
    if not candidates:
        raise LookupError(f"no {product.value} table is valid on {on.isoformat()}")
    return max(candidates, key=lambda t: t.valid_from)


def _table(data: Mapping[str, Any]) -> ProductTable:
    rows = tuple(_row(r, claim=False) for r in data["rows"])
    _unique([(s, k) for r in rows for s in r.settings for k in r.lines], "row for")
    claim_rows = {key: _row({"id": key, **r}, claim=True) for key, r in data["claim_rows"].items()}
    territory, foreign = data["territory"], data["foreign"]
    window, grace = data["pre_post_window"], data["new_year_grace"]
    illnesses = data["serious_illnesses"]
    premiums = data["premiums"]
    return ProductTable(
        product=Product(data["product"]),
        name=_text(data["name"]),
        valid_from=date.fromisoformat(data["valid_from"]),
        countries=None if territory["countries"] is None else frozenset(territory["countries"]),
        territory_label=_text(territory["label"]),
        rows=rows,
        claim_rows=MappingProxyType(claim_rows),
        deductibles=MappingProxyType(
            {
                k: Deductible(k, _text(d["label"]), _text(d["benefit"]), _amount(d["amount"]))
                for k, d in data["deductibles"].items()
            }
        ),
        yearly_maxima=tuple(_maximum(m) for m in data["yearly_maxima"]),
        foreign=None if foreign is None else _foreign(foreign),
        prescription_years=int(data["prescription"]["years"]),
        prescription_label=_text(data["prescription"]["label"]),
        window=None
        if window is None
        else (int(window["months_before"]), int(window["months_after"])),
        window_label=None if window is None else _text(window["label"]),
        new_year_grace=None if grace is None else _month_day(grace),
        exclusions=MappingProxyType({str(k): _text(v) for k, v in data["exclusions"].items()}),
        non_ziv_exclusion=_optional(data["non_ziv_exclusion"], _text),
        not_covered=MappingProxyType({str(k): _text(v) for k, v in data["not_covered"].items()}),
        serious_illnesses=() if illnesses is None else tuple(map(_text, illnesses["list"])),
        premiums_label=_text(premiums["label"]),
        premiums=tuple(_premium(p) for p in premiums["rows"]),
        sources=tuple(_text(s) for s in data["sources"]),
        unconfirmed=tuple(_text(u) for u in data.get("unconfirmed") or ()),
    )


def _row(data: Mapping[str, Any], *, claim: bool) -> Row:
    rule = Rule(data["rule"])
    row = Row(
        id=_text(data["id"]),
        section=_text(data["section"]),
        label=_text(data["label"]),
        benefit=_text(data["benefit"]),
        rule=rule,
        settings=tuple(Setting(s) for s in data.get("settings", ())),
        lines=tuple(LineKind(k) for k in data.get("lines", ())),
        amount=_optional(data.get("amount"), _amount),
        rate=_optional(data.get("rate"), _rate),
        per_year=_optional(data.get("per_year"), int),
        yearly_cap=_optional(data.get("yearly_cap"), _amount),
        counter=_optional(data.get("counter"), _text),
    )
    missing = [name for name in _NEEDS.get(rule, ()) if getattr(row, name) is None]
    if missing:
        raise ValueError(f"row {row.id}: rule {rule.value} needs {', '.join(missing)}")
    if row.per_year is not None and row.counter is None:
        raise ValueError(f"row {row.id}: a yearly limit needs a counter")
    if not claim and not (row.settings and row.lines):
        raise ValueError(f"row {row.id}: a row names its settings and lines")
    if claim and rule not in (Rule.AS_STAY, Rule.PER_DAY, Rule.PER_NIGHT, Rule.PER_CASE):
        raise ValueError(f"claim row {row.id}: rule {rule.value} does not cap a whole claim")
    return row


def _maximum(data: Mapping[str, Any]) -> YearlyMaximum:
    return YearlyMaximum(
        key=_text(data["key"]),
        label=_text(data["label"]),
        benefit=_text(data["benefit"]),
        amount=_amount(data["amount"]),
        lines=tuple(LineKind(k) for k in data.get("lines") or ()),
        except_day_admissions=bool(data.get("except_day_admissions", False)),
    )


def _foreign(data: Mapping[str, Any]) -> ForeignCover:
    return ForeignCover(
        label=_text(data["label"]),
        per_day=_optional(data["per_day"], _amount),
        per_year=_optional(data["per_year"], _amount),
        deduct_fictive_ziv=bool(data["deduct_fictive_ziv"]),
    )


def _premium(data: Mapping[str, Any]) -> Premium:
    return Premium(
        label=_text(data["label"]),
        amount=_amount(data["amount"]),
        otherwise=_optional(data.get("otherwise"), _amount),
        footnote=_optional(data.get("footnote"), _text),
    )


def _unique(keys: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"two rows for {key!r} ({what})")
        seen.add(key)


def _month_day(text: Any) -> tuple[int, int]:
    month, day = (int(part) for part in _text(text).split("-"))
    date(2000, month, day)  # raises on a wrong day
    return month, day


def _optional(value: Any, convert: Any) -> Any:
    return None if value is None else convert(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"expected a text, found {value!r}")
    return value


def _amount(text: Any) -> Decimal:
    if not isinstance(text, str):
        raise TypeError(f"amounts are strings in the file, found {text!r}")
    amount = Decimal(text)
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValueError(f"{text!r} is not an amount in euros and cents")
    return amount.quantize(CENT)


def _rate(text: Any) -> Decimal:
    if not isinstance(text, str):
        raise TypeError(f"rates are strings in the file, found {text!r}")
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a rate") from None
    if rate < 0:
        raise ValueError(f"{text!r} is a negative rate")
    return rate
