"""Incoming payments (INV-8): the bank's statement of the fund's account, read for the credits
that may pay an invoice.

A Belgian bank delivers its statements either as CODA (Febelfin's fixed-width file of
128-character records) or as ISO 20022 camt.053 (XML), which Febelfin recommends and to which
the banks are moving, and which is read here. In CODA the structured communication is the
12 bare digits in movement record 2.1, behind communication type 1 and code 101; in camt.053
it is RmtInf/Strd/CdtrRefInf/Ref with Issr BBA, and a payer who typed it in the free
communication leaves it in RmtInf/Ustrd, where it is looked for too.

Versions camt.053.001.02 and later are read by local element names, so the namespace may be
any of them (Sts as a code or as Sts/Cd; Dbtr/Nm or Dbtr/Pty/Nm). The file is parsed with
defusedxml: no DTD, no entities. A file that is no camt.053 statement raises
:class:`MalformedStatement`; one bad entry is rejected with its position and reason, and the
others are read. Each credit keeps the bank's reference as its id (AcctSvcrRef; else NtryRef,
which banks number within a statement, so prefixed by the statement id; else the statement id
and the entry's position), so importing one file twice gives the same ids."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from services.einvoicing.domain.structured_communication import StructuredCommunication
from shared.identifiers import InvalidIdentifier, normalize_iban

CommunicationSource = Literal["structured reference", "free text"]

_CAMT = re.compile(r"camt\.(\d{3})\.001\.(\d{2})")
_AMOUNT = re.compile(r"\d{1,18}(\.\d+)?")
# Twelve digits, alone or as 3/4/5 with slashes or spaces: a structured communication typed
# in the free text ("+++" or "***" around it or not).
_OGM_IN_TEXT = re.compile(r"(?<!\d)(\d{3})[\s/]*(\d{4})[\s/]*(\d{5})(?!\d)")


class MalformedStatement(ValueError):
    """The file cannot be read as a camt.053 statement; the message says what is wrong."""


@dataclass(frozen=True)
class Credit:
    """A booked payment to the fund's account, in euro."""

    entry_id: str  # the bank's reference or a stable one: the key that makes a re-import a no-op
    position: int  # of the entry in its statement, from 1
    booking_date: date
    value_date: date | None
    amount: Decimal
    payer_name: str | None
    payer_iban: str | None  # electronic form
    creditor_reference: str | None  # RmtInf/Strd/CdtrRefInf/Ref as the bank sent it
    remittance_text: str | None  # RmtInf/Ustrd, the free communication
    communication: StructuredCommunication | None  # the valid OGM it carries, if any
    communication_source: CommunicationSource | None
    remarks: tuple[str, ...] = ()  # what a handler should know: an OGM with wrong check digits


@dataclass(frozen=True)
class RejectedEntry:
    position: int
    reference: str | None
    reason: str


@dataclass(frozen=True)
class Statement:
    id: str
    account_iban: str
    credits: tuple[Credit, ...]
    rejected: tuple[RejectedEntry, ...]
    debits_skipped: int
    not_booked_skipped: int  # pending or information-only entries


class _BadEntry(Exception):
    pass


def read_camt053(data: bytes) -> Statement:
    """The one statement of a camt.053 file; one holding several raises MalformedStatement."""
    statements = read_camt053_statements(data)
    if len(statements) != 1:
        ids = ", ".join(statement.id for statement in statements)
        raise MalformedStatement(
            f"the file holds {len(statements)} statements ({ids}); read_camt053_statements "
            "reads them all"
        )
    return statements[0]


def read_camt053_statements(data: bytes) -> tuple[Statement, ...]:
    """Every statement (BkToCstmrStmt/Stmt, one per account) of a camt.053 file."""
    statements = _document(data).findall("Stmt")
    if not statements:
        raise MalformedStatement("the file holds no statement (BkToCstmrStmt/Stmt)")
    return tuple(_statement(stmt, number) for number, stmt in enumerate(statements, 1))


def _document(data: bytes) -> ET.Element:
    if not data.strip():
        raise MalformedStatement("the file is empty")
    try:
        root = fromstring(data, forbid_dtd=True)
    except ET.ParseError as exc:
        raise MalformedStatement(f"not well-formed XML: {exc}") from None
    except DefusedXmlException as exc:
        kind = type(exc).__name__
        raise MalformedStatement(
            f"refused: a DTD or entities ({kind}); statements have none"
        ) from None
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    if (version := _CAMT.search(namespace)) and version[1] != "053":
        raise MalformedStatement(f"a camt.{version[1]} message ({namespace}), not camt.053")
    if version and int(version[2]) < 2:
        raise MalformedStatement(f"{namespace}: versions camt.053.001.02 and later are read")
    message = root.find("BkToCstmrStmt")
    if root.tag != "Document" or message is None:
        found = "/".join([root.tag, *(child.tag for child in root[:1])])
        raise MalformedStatement(f"not a camt.053 statement: {found}, not Document/BkToCstmrStmt")
    return message


def _statement(stmt: ET.Element, number: int) -> Statement:
    statement_id = _text(stmt, "Id")
    if statement_id is None:
        raise MalformedStatement(f"statement {number} has no Id")
    iban = _text(stmt, "Acct/Id/IBAN")
    if iban is None:
        raise MalformedStatement(f"statement {statement_id} has no account IBAN (Acct/Id/IBAN)")
    try:
        iban = normalize_iban(iban)
    except InvalidIdentifier as exc:
        raise MalformedStatement(f"statement {statement_id}: account {exc}") from None
    page = _text(stmt, "StmtPgntn/PgNb")
    prefix = f"{statement_id}/p{page}" if page and page != "1" else statement_id
    credits: list[Credit] = []
    rejected: list[RejectedEntry] = []
    skipped = {"debit": 0, "not booked": 0}
    for position, ntry in enumerate(stmt.findall("Ntry"), 1):
        reference = _entry_id(ntry, prefix, position)
        try:
            read = _entry(ntry, reference, position)
        except _BadEntry as exc:
            rejected.append(RejectedEntry(position, reference, str(exc)))
            continue
        if isinstance(read, str):
            skipped[read] += 1
        else:
            credits.extend(read)
    return Statement(
        statement_id, iban, tuple(credits), tuple(rejected), skipped["debit"], skipped["not booked"]
    )


def _entry_id(ntry: ET.Element, prefix: str, position: int) -> str:
    if bank_reference := _text(ntry, "AcctSvcrRef"):
        return bank_reference
    if entry_reference := _text(ntry, "NtryRef"):
        return f"{prefix}/{entry_reference}"
    return f"{prefix}#{position}"


def _entry(
    ntry: ET.Element, entry_id: str, position: int
) -> list[Credit] | Literal["debit", "not booked"]:
    indicator = _text(ntry, "CdtDbtInd")
    if indicator == "DBIT":
        return "debit"
    if indicator != "CRDT":
        raise _BadEntry(f"credit/debit indicator {indicator!r}: expected CRDT or DBIT")
    status = _text(ntry, "Sts/Cd") or _text(ntry, "Sts")
    if status is None:
        raise _BadEntry("no status (Sts)")
    if status != "BOOK":
        return "not booked"
    if _text(ntry, "RvslInd") == "true":
        raise _BadEntry("a reversal of an earlier debit, not a payment: for a handler")
    amount = _amount(ntry.find("Amt"), "amount")
    booked_on = _date(ntry, "BookgDt", "booking date")
    if booked_on is None:
        raise _BadEntry("no booking date (BookgDt)")
    valued_on = _date(ntry, "ValDt", "value date")
    transactions = ntry.findall("NtryDtls/TxDtls")
    if len(transactions) <= 1:
        details = transactions[0] if transactions else None
        return [_credit(entry_id, position, booked_on, valued_on, amount, details)]
    # A batch booked as one entry: each transaction is a payment of its own.
    amounts = [_amount(_transaction_amount(tx), "transaction amount") for tx in transactions]
    if sum(amounts) != amount:
        raise _BadEntry(f"its {len(transactions)} transactions do not add up to {amount}")
    return [
        _credit(f"{entry_id}/{k}", position, booked_on, valued_on, part, tx)
        for k, (part, tx) in enumerate(zip(amounts, transactions), 1)
    ]


def _credit(
    entry_id: str,
    position: int,
    booked_on: date,
    valued_on: date | None,
    amount: Decimal,
    tx: ET.Element | None,
) -> Credit:
    def text(path: str) -> str | None:
        return _text(tx, path) if tx is not None else None

    ustrd = [] if tx is None else [t for e in tx.findall("RmtInf/Ustrd") if (t := _clean(e))]
    free_text = " ".join(ustrd) or None
    reference = text("RmtInf/Strd/CdtrRefInf/Ref")
    issuer = text("RmtInf/Strd/CdtrRefInf/Tp/Issr")
    remarks: list[str] = []
    communication = _structured(reference, issuer, remarks)
    source: CommunicationSource | None = "structured reference" if communication else None
    found = _communications_in(free_text or "", remarks) if communication is None else []
    if len(found) == 1:
        communication, source = found[0], "free text"
    elif len(found) > 1:
        named = ", ".join(str(c) for c in found)
        remarks.append(f"the text names {len(found)} structured communications ({named})")
    return Credit(
        entry_id=entry_id,
        position=position,
        booking_date=booked_on,
        value_date=valued_on,
        amount=amount,
        payer_name=text("RltdPties/Dbtr/Nm") or text("RltdPties/Dbtr/Pty/Nm"),
        payer_iban=_payer_iban(text("RltdPties/DbtrAcct/Id/IBAN")),
        creditor_reference=reference,
        remittance_text=free_text,
        communication=communication,
        communication_source=source,
        remarks=tuple(remarks),
    )


def _structured(
    reference: str | None, issuer: str | None, remarks: list[str]
) -> StructuredCommunication | None:
    """The Belgian OGM of Strd/CdtrRefInf: issued by BBA, or any reference that is one."""
    if reference is None:
        return None
    try:
        return StructuredCommunication.parse(reference)
    except InvalidIdentifier as exc:
        if issuer == "BBA":
            remarks.append(f"the structured reference {reference!r} is invalid: {exc.reason}")
        return None


def _communications_in(text: str, remarks: list[str]) -> list[StructuredCommunication]:
    found: list[StructuredCommunication] = []
    for candidate in _OGM_IN_TEXT.finditer(text):
        digits = "".join(candidate.groups())
        try:
            communication = StructuredCommunication(digits)
        except InvalidIdentifier:
            shown = f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"
            remarks.append(f"the text holds {shown}, whose check digits do not match")
            continue
        if communication not in found:
            found.append(communication)
    return found


def _payer_iban(value: str | None) -> str | None:
    try:
        return normalize_iban(value) if value else None
    except InvalidIdentifier:  # not ours to refuse: the money arrived; matching just skips it
        return None


def _transaction_amount(tx: ET.Element) -> ET.Element | None:
    found = tx.find("Amt")  # camt.053.001.03 and later
    return found if found is not None else tx.find("AmtDtls/TxAmt/Amt")


def _amount(element: ET.Element | None, what: str) -> Decimal:
    if element is None:
        raise _BadEntry(f"no {what} (Amt)")
    text, currency = _clean(element) or "", element.get("Ccy")
    if not _AMOUNT.fullmatch(text):
        raise _BadEntry(f"{what} {text!r} is no decimal number like 31.20")
    if currency != "EUR":
        raise _BadEntry(
            f"{what} {text} {currency or '(no currency)'}: only euro is matched, "
            "no exchange rate is guessed"
        )
    amount = Decimal(text)
    if amount == 0 or amount != amount.quantize(Decimal("0.01")):
        raise _BadEntry(f"{what} {text} EUR: expected whole cents, more than zero")
    return amount.quantize(Decimal("0.01"))


def _date(ntry: ET.Element, path: str, what: str) -> date | None:
    text = _text(ntry, f"{path}/Dt") or _text(ntry, f"{path}/DtTm")
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _BadEntry(f"{what} {text!r} is no date") from None


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    return _clean(found) if found is not None else None


def _clean(element: ET.Element) -> str | None:
    return " ".join((element.text or "").split()) or None
