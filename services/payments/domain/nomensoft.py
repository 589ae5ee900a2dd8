"""RIZIV/INAMI's own tariff files, read into a :class:`TariffBook`: NomenSoft's fee export
(XML, or CSV with the same column names), one row per amount with its own dates and a
description of who it applies to. What the descriptions say that the book cannot express
(chronic illness, providers outside the agreement, exceptional rates) is listed in
``book.skipped``, never guessed; ``tariffs/README.md`` describes the format."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from services.payments.domain.tariffs import (
    CENT,
    Condition,
    Nomenclature,
    SkippedRow,
    TariffBook,
    TariffRow,
)

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
