"""The legal reimbursement rules of the compulsory insurance, as data (PAY-3, DOS-4, DOS-9).

For a care certificate (getuigschrift voor verstrekte hulp / attestation de soins donnés) the
fund pays the legal reimbursement (terugbetaling / remboursement) of the nomenclature code on
the care date; the rest of the legal fee (honorarium / honoraire) is the co-payment (remgeld /
ticket modérateur), which counts for the MAF. What the provider asks above the fee
(supplement) is not here: the service handles it.

A :class:`TariffBook` holds rows per code and period of validity, each for a set of persons: VT
or not (verhoogde tegemoetkoming / intervention majorée, PAY-3), with a GMD at that GP or not
(globaal medisch dossier / dossier médical global, DOS-4), an age range, regular dental care or
not (mondzorgtraject, DOS-9). A row may be an exception inside a wider row (VT with GMD up to
24 inside VT with GMD); rows that overlap otherwise are refused when the book is built.

Two loaders fill a book: :func:`load_tariffs` reads our files (``services/payments/tariffs/``:
YAML for codes and sources, CSV for rows) and ``nomensoft.load_riziv_export`` reads RIZIV's
NomenSoft fee export (XML, or CSV with the same column names). ``tariffs/README.md`` describes
both.
No I/O besides reading the files it is given."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import combinations
from pathlib import Path
from typing import Literal

import yaml

from shared.identifiers import normalize_riziv_number

Language = Literal["nl", "fr"]
CENT = Decimal("0.01")


class UnknownTariff(ValueError):
    """No tariff for this code (on this date, for this person); ``str()`` says why."""

    def __init__(self, code: str, on: date | None = None, reason: str | None = None) -> None:
        self.code, self.on = code, on
        self.reason = reason or f"no tariff is known for nomenclature code {code}"
        super().__init__(self.reason)

    def __reduce__(self):  # picklable despite the extra arguments
        return type(self), (self.code, self.on, self.reason)


class MissingFact(ValueError):
    """The tariff depends on a fact the caller did not give (whether dental care is regular)."""


class TariffDataError(ValueError):
    """A tariff file is wrong: the message names the file, the row and the fault."""


@dataclass(frozen=True)
class Reimbursement:
    code: str
    fee: Decimal  # the legal fee (honorarium) for the service
    reimbursed: Decimal  # what the compulsory insurance pays
    co_payment: Decimal  # remgeld / ticket modérateur: fee - reimbursed; counts for the MAF
    source: str
    confirmed: bool = True  # False: the row says "figure not confirmed" (see the README)


@dataclass(frozen=True)
class Condition:
    """The persons a row is for; None (and an open age bound) means "whatever"."""

    vt: bool | None = None
    gmd: bool | None = None
    age_min: int = 0
    age_max: int | None = None  # inclusive
    dental_regular: bool | None = None

    def admits(self, *, vt: bool, gmd: bool, age: int, dental_regular: bool | None) -> bool:
        return (
            self.vt in (None, vt)
            and self.gmd in (None, gmd)
            and self.age_min <= age <= (self.age_max if self.age_max is not None else age)
            and (self.dental_regular is None or self.dental_regular == dental_regular)
        )

    def within(self, other: Condition) -> bool:
        """Every person this condition admits, ``other`` admits too."""
        flags = all(theirs is None or mine == theirs for mine, theirs in self._flags_with(other))
        top, other_top = self._top, other._top
        return flags and self.age_min >= other.age_min and top <= other_top

    def overlaps(self, other: Condition) -> bool:
        flags = all(a is None or b is None or a == b for a, b in self._flags_with(other))
        return flags and max(self.age_min, other.age_min) <= min(self._top, other._top)

    def _flags_with(self, other: Condition) -> Iterator[tuple[bool | None, bool | None]]:
        yield self.vt, other.vt
        yield self.gmd, other.gmd
        yield self.dental_regular, other.dental_regular

    @property
    def _top(self) -> float:
        return float("inf") if self.age_max is None else self.age_max

    def __str__(self) -> str:
        parts = [
            {True: "VT", False: "not VT", None: ""}[self.vt],
            {True: "with GMD", False: "without GMD", None: ""}[self.gmd],
            {True: "regular dental care", False: "no dental care the year before", None: ""}[
                self.dental_regular
            ],
        ]
        if self.age_max is None:
            parts.append(f"aged {self.age_min}+" if self.age_min else "")
        elif self.age_max == self.age_min:
            parts.append(f"aged {self.age_min}")
        else:
            parts.append(f"aged {self.age_min}-{self.age_max}")
        return ", ".join(p for p in parts if p) or "everyone"


@dataclass(frozen=True)
class TariffRow:
    code: str
    valid_from: date
    valid_to: date | None  # inclusive; None: until further notice
    condition: Condition
    fee: Decimal
    reimbursed: Decimal
    source: str
    confirmed: bool = True

    @property
    def co_payment(self) -> Decimal:
        return self.fee - self.reimbursed

    def valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def period_overlaps(self, other: TariffRow) -> bool:
        end, other_end = self.valid_to or date.max, other.valid_to or date.max
        return self.valid_from <= other_end and other.valid_from <= end

    def period(self) -> str:
        return f"{self.valid_from} to {self.valid_to or '…'}"


@dataclass(frozen=True)
class Nomenclature:
    """A nomenclature code's descriptions and what the service needs to know about it."""

    code: str
    nl: str
    fr: str
    kind: str | None = None  # gp_consultation, dental, physiotherapy, ... (codes.yaml)
    needs_agreement: bool = False  # reimbursed only with the advising physician's approval


@dataclass(frozen=True)
class SkippedRow:
    """A row of a RIZIV export the loader did not turn into a tariff, and why."""

    code: str
    description: str
    reason: str


class TariffBook:
    """Tariff rows by code, checked when built: amounts in cents, fee = reimbursed + co-payment,
    and rows that overlap in time and persons only when one is an exception inside the other."""

    def __init__(
        self,
        codes: Mapping[str, Nomenclature],
        rows: Iterable[TariffRow],
        skipped: Iterable[SkippedRow] = (),
    ) -> None:
        self._codes = dict(codes)
        self.rows = tuple(sorted(rows, key=lambda r: (r.code, r.valid_from)))
        self.skipped = tuple(skipped)
        by_code: dict[str, list[TariffRow]] = defaultdict(list)
        for row in self.rows:
            _check_row(row, self._codes)
            by_code[row.code].append(row)
        for code_rows in by_code.values():
            _check_overlaps(code_rows)
        self._by_code = {code: tuple(code_rows) for code, code_rows in by_code.items()}

    def knows(self, code: str) -> bool:
        return code.strip() in self._by_code

    def codes(self) -> frozenset[str]:
        return frozenset(self._by_code)

    def description(self, code: str, language: Language) -> str:
        return getattr(self._nomenclature(code), language)

    def needs_agreement(self, code: str) -> bool:
        return self._nomenclature(code).needs_agreement

    def kind(self, code: str) -> str | None:
        return self._nomenclature(code).kind

    def reimbursement(
        self,
        code: str,
        on: date,
        *,
        vt: bool,
        gmd: bool = False,
        age: int,
        dental_regular: bool | None = None,
    ) -> Reimbursement:
        """The legal figures for ``code`` on ``on`` for this person. ``gmd``: the person's GMD
        is held by this GP (or a GP of the same registered group); the caller decides."""
        code = code.strip()
        if age < 0:
            raise ValueError(f"an age cannot be negative ({age})")
        rows = self._by_code.get(code)
        if not rows:
            raise UnknownTariff(code, on)
        current = [r for r in rows if r.valid_on(on)]
        if not current:
            periods = "; ".join(_merged_periods(rows))
            reason = f"code {code} has no tariff valid on {on}: its tariffs cover {periods}"
            raise UnknownTariff(code, on, reason)
        person = dict(vt=vt, gmd=gmd, age=age)
        if dental_regular is None and any(
            r.condition.dental_regular is not None
            and r.condition.admits(**person, dental_regular=r.condition.dental_regular)
            for r in current
        ):
            raise MissingFact(
                f"the tariff of code {code} depends on whether the person had reimbursed dental"
                " care in the previous calendar year (oral care path, DOS-9): pass dental_regular"
            )
        matches = [
            r for r in current if r.condition.admits(**person, dental_regular=dental_regular)
        ]
        if not matches:
            situation = Condition(vt, gmd, age, age, dental_regular)
            reason = f"code {code} has no tariff on {on} for a person {situation}"
            raise UnknownTariff(code, on, reason)
        row = next(
            (r for r in matches if all(r.condition.within(o.condition) for o in matches)), None
        )
        if row is None:  # the book refuses such rows when built; kept as a guard
            raise TariffDataError(f"code {code}: several rows apply on {on} and none is innermost")
        return Reimbursement(
            code, row.fee, row.reimbursed, row.co_payment, row.source, row.confirmed
        )

    def _nomenclature(self, code: str) -> Nomenclature:
        try:
            return self._codes[code.strip()]
        except KeyError:
            raise UnknownTariff(code) from None


def _check_row(row: TariffRow, codes: Mapping[str, Nomenclature]) -> None:
    where = f"code {row.code}, {row.period()}, {row.condition}"
    if row.code not in codes:
        raise TariffDataError(f"{where}: the code has no description")
    if row.valid_to is not None and row.valid_to < row.valid_from:
        raise TariffDataError(f"{where}: the period ends before it starts")
    for amount in (row.fee, row.reimbursed):
        if amount != amount.quantize(CENT) or amount < 0:
            raise TariffDataError(f"{where}: {amount} is not an amount in euro cents")
    if row.reimbursed > row.fee:
        raise TariffDataError(f"{where}: reimbursement {row.reimbursed} above fee {row.fee}")
    if row.condition.age_max is not None and row.condition.age_max < row.condition.age_min:
        raise TariffDataError(f"{where}: the age range is empty")


def _check_overlaps(rows: list[TariffRow]) -> None:
    for a, b in combinations(rows, 2):
        if not (a.period_overlaps(b) and a.condition.overlaps(b.condition)):
            continue
        nested = a.condition.within(b.condition) != b.condition.within(a.condition)
        if not nested:
            raise TariffDataError(
                f"code {a.code}: the rows for {a.condition} ({a.period()}) and {b.condition}"
                f" ({b.period()}) overlap without one being an exception inside the other"
            )


def _merged_periods(rows: Iterable[TariffRow]) -> list[str]:
    spans: list[list[date | None]] = []
    for row in sorted(rows, key=lambda r: r.valid_from):
        last = spans[-1] if spans else None
        if last and last[1] is not None and (row.valid_from - last[1]).days <= 1:
            last[1] = None if row.valid_to is None else max(last[1], row.valid_to)
        elif not (last and last[1] is None):
            spans.append([row.valid_from, row.valid_to])
    return [f"{start} to {end or '…'}" for start, end in spans]


# --- Our files: codes.yaml, sources.yaml, *.csv ------------------------------------------------

_YES_NO = {"yes": True, "no": False, "": None}


def load_tariffs(*paths: Path) -> TariffBook:
    """A book from our files; a directory stands for the files in it. Without paths: the
    files shipped in ``services/payments/tariffs/``."""
    files = (
        _files(paths)
        if paths
        else _files([resources.files(__package__.rpartition(".")[0]) / "tariffs"])
    )
    codes: dict[str, Nomenclature] = {}
    sources: dict[str, str] = {}
    for file in (f for f in files if f.name.endswith((".yaml", ".yml"))):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for code, entry in (data.get("codes") or {}).items():
            codes[str(code)] = Nomenclature(
                str(code),
                entry["nl"],
                entry["fr"],
                entry.get("kind"),
                bool(entry.get("needs_agreement")),
            )
        for key, entry in (data.get("sources") or {}).items():
            when = f" ({entry['date']})" if entry.get("date") else ""
            sources[key] = f"{entry['title']}, {entry['url']}{when}"
    rows = [row for f in files if f.name.endswith(".csv") for row in _csv_rows(f, sources)]
    return TariffBook(codes, rows)


@cache
def shipped_tariffs() -> TariffBook:
    """The shipped book, read once."""
    return load_tariffs()


def _files(paths: Iterable[Traversable | Path]) -> list[Traversable]:
    found: list[Traversable] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted((p for p in path.iterdir() if p.is_file()), key=lambda p: p.name))
        else:
            found.append(path)
    return found


def _csv_rows(file: Traversable, sources: Mapping[str, str]) -> Iterator[TariffRow]:
    reader = csv.DictReader(io.StringIO(file.read_text(encoding="utf-8")))
    for line, record in enumerate(reader, start=2):
        try:
            yield _csv_row(record, sources)
        except (KeyError, ValueError, InvalidOperation) as exc:
            raise TariffDataError(f"{file.name}, line {line}: {exc!r}") from None


def _csv_row(record: Mapping[str, str], sources: Mapping[str, str]) -> TariffRow:
    fee, reimbursed, co_payment = (Decimal(record[k]) for k in ("fee", "reimbursed", "co_payment"))
    if fee != reimbursed + co_payment:
        raise ValueError(f"fee {fee} is not reimbursed {reimbursed} + co-payment {co_payment}")
    confirmed = _YES_NO[record["confirmed"]]
    keys = [k for k in record["sources"].split("+") if k]
    if not keys:
        raise ValueError("a row needs a source")
    text = "; ".join(sources[k] for k in keys)  # an unknown key raises KeyError
    if record.get("note"):
        text += f"; {record['note']}"
    if not confirmed:
        text += "; figure not confirmed"
    condition = Condition(
        vt=_YES_NO[record["vt"]],
        gmd=_YES_NO[record["gmd"]],
        age_min=int(record["age_min"] or 0),
        age_max=int(record["age_max"]) if record["age_max"] else None,
        dental_regular=_YES_NO[record["dental_regular"]],
    )
    valid_to = date.fromisoformat(record["valid_to"]) if record["valid_to"] else None
    return TariffRow(
        record["code"].strip(), date.fromisoformat(record["valid_from"]), valid_to,
        condition, fee, reimbursed, text, bool(confirmed),
    )  # fmt: skip


# --- Who a RIZIV/INAMI number belongs to ------------------------------------------------------

PROFESSIONS = {"1": "physician", "3": "dentist", "4": "nurse or midwife", "5": "physiotherapist"}
"""First digit of a RIZIV/INAMI number: https://nl.wikipedia.org/wiki/Rijksinstituut_voor_Ziekte-
_en_Invaliditeitsverzekering ("beroepsnummer"); https://www.drupal.org/project/inami_riziv.
Others exist (pharmacists, institutions) and are not listed here."""
GP_QUALIFICATIONS = frozenset({"003", "004"})
"""Qualification (bevoegdheidscode) of a recognised GP: Domus Medica, "Erkenning als huisarts",
https://www.domusmedica.be/kennisdomein/loopbaan/erkenning-als-huisarts."""


def provider_kind(riziv_number: str) -> str | None:
    """The kind of provider a number belongs to ("general practitioner", "physician",
    "dentist", "nurse or midwife", "physiotherapist"), or None when not listed."""
    digits = normalize_riziv_number(riziv_number)
    if digits[0] == "1" and digits[8:] in GP_QUALIFICATIONS:
        return "general practitioner"
    return PROFESSIONS.get(digits[0])
