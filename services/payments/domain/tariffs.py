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
YAML for codes and sources, CSV for rows) and :func:`load_riziv_export` reads RIZIV's NomenSoft
fee export (XML, or CSV with the same column names). ``tariffs/README.md`` describes both.
No I/O besides reading the files it is given."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
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


# --- RIZIV's NomenSoft fee export --------------------------------------------------------------

NOMENSOFT_COLUMNS = (
    "nomen_code", "nomen_desc_nl", "nomen_desc_fr", "dbegin_fee", "dend_fee", "fee_code_cat",
    "fee_code_desc_nl", "fee_code_desc_fr", "fee", "author_doc",
)  # fmt: skip
"""The columns of NomenSoft's "Honoraria en vergoedingen" export (XML elements of
NOMEN_HONORAIRES, schema nomen_honoraires.xsd); a CSV with these headers reads the same."""


def load_riziv_export(*paths: Path) -> TariffBook:
    """A book from NomenSoft fee exports (``.xml``, or ``.csv`` with :data:`NOMENSOFT_COLUMNS`).
    Each code's "Honorarium/Honoraire" row gives the fee, its "Tegemoetkoming/Intervention"
    rows the reimbursement for the persons their description names; the co-payment follows.
    Rows whose description this loader does not understand are left out and listed in
    ``skipped``, never guessed."""
    records: list[tuple[str, dict[str, str]]] = []
    fee_codes: dict[str, dict[str, str]] = {}
    for path in paths:
        for tag, record in _export_records(Path(path)):
            if tag == "NOMEN_FEECODES":
                fee_codes[record.get("fee_code", "")] = record
            else:
                records.append((Path(path).name, record))
    codes: dict[str, Nomenclature] = {}
    fees: dict[str, list[tuple[date, date | None, Decimal]]] = defaultdict(list)
    payments: list[tuple[str, date, date | None, Condition, Decimal, str]] = []
    skipped: list[SkippedRow] = []
    for file_name, record in records:
        _join_fee_code(record, fee_codes)
        code = record["nomen_code"].strip().zfill(6)
        codes.setdefault(
            code,
            Nomenclature(code, record.get("nomen_desc_nl", ""), record.get("nomen_desc_fr", "")),
        )
        start, end = _export_date(record["dbegin_fee"]), _export_date(record.get("dend_fee", ""))
        amount = Decimal(record["fee"].replace(",", ".")).quantize(CENT, ROUND_HALF_UP)
        description = record.get("fee_code_desc_fr") or record.get("fee_code_desc_nl") or ""
        meaning = _meaning(record.get("fee_code_desc_fr", ""), record.get("fee_code_desc_nl", ""))
        if meaning == "fee":
            fees[code].append((start, end, amount))
        elif isinstance(meaning, Condition):
            document = record.get("author_doc")
            source = f"RIZIV NomenSoft export {file_name}" + (f", {document}" if document else "")
            payments.append((code, start, end, meaning, amount, source))
        else:
            skipped.append(SkippedRow(code, description, meaning))
    rows = _export_rows(fees, _regularity(payments), skipped)
    return TariffBook(codes, rows, skipped)


def _export_records(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    if path.suffix.lower() == ".xml":
        for element in ElementTree.parse(path).getroot():
            yield element.tag, {c.tag.lower(): (c.text or "").strip() for c in element}
        return
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    for record in csv.DictReader(io.StringIO(text), dialect=dialect):
        yield "NOMEN_HONORAIRES", {k.strip().lower(): (v or "").strip() for k, v in record.items()}


def _join_fee_code(record: dict[str, str], fee_codes: Mapping[str, Mapping[str, str]]) -> None:
    """The full NomenSoft export names the fee code only; NOMEN_FEECODES describes it."""
    described = fee_codes.get(record.get("fee_code") or record.get("feecode") or "")
    if described and not record.get("fee_code_desc_fr"):
        record["fee_code_desc_fr"] = described.get("fee_code_desc_fr", "")
        record["fee_code_desc_nl"] = described.get("fee_code_desc_nl", "")


def _export_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if re.match(r"\d{2}/\d{2}/\d{4}", text):
        day, month, year = text[:10].split("/")
        parsed = date(int(year), int(month), int(day))
    else:
        parsed = date.fromisoformat(text[:10])
    return None if parsed.year >= 2999 else parsed  # 2999-12-31: until further notice


def _export_rows(
    fees: Mapping[str, list[tuple[date, date | None, Decimal]]],
    payments: Iterable[tuple[str, date, date | None, Condition, Decimal, str]],
    skipped: list[SkippedRow],
) -> list[TariffRow]:
    rows: dict[tuple[str, date, date | None, Condition], TariffRow] = {}
    for code, start, end, condition, amount, source in payments:
        covering = [
            (max(start, f_start), _earliest(end, f_end), fee)
            for f_start, f_end, fee in fees.get(code, [])
            if f_start <= (end or date.max) and start <= (f_end or date.max)
        ]
        if not covering:
            skipped.append(
                SkippedRow(code, str(condition), "no fee (honorarium) row for its period")
            )
        for valid_from, valid_to, fee in covering:
            key = (code, valid_from, valid_to, condition)
            row = TariffRow(code, valid_from, valid_to, condition, fee, amount, source)
            if amount > fee:
                skipped.append(
                    SkippedRow(code, str(condition), f"reimbursement {amount} above fee {fee}")
                )
            elif key in rows and rows[key].reimbursed != amount:
                skipped.append(SkippedRow(code, str(condition), "two different reimbursements"))
                del rows[key]
            else:
                rows[key] = row
    return list(rows.values())


def _earliest(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def _regularity(payments: list[tuple]) -> list[tuple]:
    """Where a code and period has a row for "no care the year before", its other rows are the
    regular ones (the oral care path, DOS-9)."""
    irregular = {(p[0], p[1], p[2]) for p in payments if p[3].dental_regular is False}
    out = []
    for code, start, end, condition, amount, source in payments:
        if (code, start, end) in irregular and condition.dental_regular is None:
            condition = Condition(
                condition.vt, condition.gmd, condition.age_min, condition.age_max, True
            )
        out.append((code, start, end, condition, amount, source))
    return out


_FEE = {"honoraire", "honoraires", "honorarium", "prix", "prijs"}
_SHARE = (
    "ticket moderateur",
    "intervention personnelle",
    "quote-part",
    "remgeld",
    "persoonlijk aandeel",
)
_NOISE = set(
    "intervention interventions remboursement de l d assurance beneficiaire beneficiaires pour"
    " les le la du des prestataire conventionne tegemoetkoming tussenkomst verzekering"
    " rechthebbende rechthebbenden van het voor zorgverlener geconventioneerde"
    " geconventioneerd".split()
)
_NTH = r"(\d+) ?(?:e|eme|ieme|ste|de)?"
_DMG = r"(?:dmg|dossier medical global)"
_CLAUSES: list[tuple[str, str, object]] = [
    (rf"a partir du {_NTH} jusqu'a (?:son|au) {_NTH} anniversaire", "ages", None),
    (rf"(?:enfant )?(?:jusqu'au|jusqu'a son|avant le|avant son) {_NTH} anniversaire", "age_below",
     None),
    (rf"(?:a partir du|a partir de son|des le|des son) {_NTH} anniversaire", "age_from", None),
    (rf"(?:tot de|tot zijn|voor de|voor zijn) {_NTH} verjaardag", "age_below", None),
    (rf"(?:vanaf de|vanaf zijn) {_NTH} verjaardag", "age_from", None),
    (rf"avec (?:ou |/ ?)sans {_DMG}|met (?:of |/ ?)zonder gmd", "gmd", None),
    (rf"(?:dans le cadre du|avec) {_DMG}|(?:in het kader van het|met) gmd", "gmd", True),
    (rf"sans {_DMG}|zonder gmd", "gmd", False),
    (r"pas de prestations? dans l'annee (?:civile|calendrier) precedente"
     r"|geen verstrekkingen? (?:in|tijdens) het vorige? kalenderjaar", "dental_regular", False),
    (r"avec regime preferentiel|met voorkeurregeling", "vt", True),
    (r"sans regime preferentiel|zonder voorkeurregeling", "vt", False),
]  # fmt: skip


def _meaning(description_fr: str, description_nl: str) -> Literal["fee"] | Condition | str:
    """What a fee code's description says: the fee, the persons a reimbursement is for, or (a
    string) why the row is left out."""
    text = _plain(description_fr or description_nl)
    if text in _FEE:
        return "fee"
    if any(word in text for word in _SHARE):
        return "a co-payment row: the co-payment is taken as fee minus reimbursement"
    found: dict[str, object] = {}
    for pattern, name, value in _CLAUSES:
        for match in re.finditer(pattern, text):
            if name == "ages":
                found.update(age_min=int(match[1]), age_max=int(match[2]) - 1)
            elif name == "age_below":
                found["age_max"] = int(match[1]) - 1
            elif name == "age_from":
                found["age_min"] = int(match[1])
            elif name in found and found[name] != value:
                return f"contradictory conditions: {text!r}"
            else:
                found[name] = value
        text = re.sub(pattern, " ", text)
    leftover = [w for w in re.split(r"[\s,;:()/.'\-]+", text) if w and w not in _NOISE]
    if leftover:
        return f"condition not understood: {' '.join(leftover)!r}"
    return Condition(**found)  # type: ignore[arg-type]


def _plain(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip()


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
