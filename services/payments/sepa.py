"""The bank's SEPA credit-transfer file (pain.001) that pays members their money (PAY-6).

Version: pain.001.001.09, the ISO 20022 2019 message. Belgian banks take it since 17 March
2024, when the EPC opened SEPA credit-transfer initiation to the 2019 version, alongside the
2009 message pain.001.001.03 of Febelfin's Belgian guidelines ("XML message for Credit
Transfer Initiation" v3.x) that they keep taking for now (KBC, "News on the ISO20022
legislation"). The 2009 message is on its way out: from November 2026 only structured or
hybrid addresses are allowed (KBC, "ISO 20022 in a nutshell"), and banks end pain.001.001.03
with it (SEB Lithuania, for one: 15 November 2026). We send no postal addresses, so both
versions carry the same data here: for a bank that still wants the 2009 message, change
`PAIN_001` (sepaxml writes either and bundles both XSDs).

One file holds one batch (PmtInf, batch booking: one debit on the fund's statement) for
one execution date. The file is a function of its input: sepaxml's random message and batch
ids and its clock-read creation time are replaced by `message_id` and `created_at`, so a
retried run gives the same bytes and the bank's duplicate check on MsgId can work.

Text is limited to the SEPA character set (EPC: a-z A-Z 0-9 / - ? : ( ) . , ' + space):
names and remittance are transliterated ("Lefèvre" → "Lefevre", "Straße" → "Strasse") and
whatever is still outside the set becomes a space. Ids are not rewritten but refused.
The file is validated against the XSD sepaxml bundles before it is returned, by libxml2
(lxml): sepaxml's own check (xmlschema, pure Python) built the schema again for every file
and took half a millisecond a transfer, half a minute for a day of a million certificates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from lxml import etree
from sepaxml import SepaTransfer
from text_unidecode import unidecode

from shared.identifiers import normalize_bic, normalize_iban

PAIN_001 = "pain.001.001.09"
BRUSSELS = ZoneInfo("Europe/Brussels")
MAX_AMOUNT_CENTS = 99_999_999_999  # 999 999 999,99 €: the SCT maximum
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_SEPA_ID = re.compile(r"(?!/)(?!.*//)[A-Za-z0-9/\-?:().,'+]{1,35}(?<!/)")
# One transfer of a file as sepaxml writes it, and in it the creditor's name and account.
_TRANSFER = re.compile(rb"<CdtTrfTxInf>.*?</CdtTrfTxInf>", re.DOTALL)
_END_TO_END_ID = re.compile(rb"<EndToEndId>([^<]*)</EndToEndId>")
_CREDITOR_NAME = re.compile(rb"(<Cdtr>\s*<Nm>)[^<]*(</Nm>)")
_CREDITOR_IBAN = re.compile(rb"(<CdtrAcct>\s*<Id>\s*<IBAN>)[^<]*(</IBAN>)")


@dataclass(frozen=True)
class Debtor:
    """The fund's own account the money leaves from."""

    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str  # <= 35 chars; the payment id, returned on the member's statement
    creditor_name: str  # transliterated, cut at 70 chars
    iban: str
    bic: str | None  # optional within SEPA
    amount_cents: int
    remittance: str  # unstructured remittance, <= 140 chars


def credit_transfer_file(
    *,
    message_id: str,
    created_at: datetime,
    debtor: Debtor,
    execution_date: date,
    transfers: Sequence[Transfer],
) -> bytes:
    """The pain.001 file paying `transfers` from the debtor's account on `execution_date`;
    ValueError, with the reason, for anything the bank would refuse."""
    _check_id("message id", message_id)
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    if not transfers:
        raise ValueError("a credit-transfer file needs at least one transfer")
    _check_unique(transfers)
    config = {
        "name": sepa_text(debtor.name, 70),
        "IBAN": normalize_iban(debtor.iban),
        "BIC": normalize_bic(debtor.bic),
        "batch": True,
        "currency": "EUR",
    }
    document = _Pain001(config, message_id, created_at.astimezone(BRUSSELS))
    for transfer in transfers:
        document.add_payment(_payment(transfer, execution_date))
    content = document.export(validate=False)
    schema = _schema()
    if not schema.validate(etree.fromstring(content, _PARSER)):
        raise ValueError(
            f"the file does not validate against {PAIN_001}.xsd: {schema.error_log.last_error}"
        )
    return content


# Our own output is parsed: no entities, no network, as for anything else.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(
        etree.parse(str(resources.files("sepaxml") / "schemas" / f"{PAIN_001}.xsd"))
    )


def summary(xml: bytes) -> tuple[int, int]:
    """(number of transfers, control sum in cents) as the file's group header states them;
    ValueError if the header disagrees with the transfers the file holds."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as error:
        raise ValueError(f"not XML: {error}") from None
    ns = {"p": root.tag[1:].partition("}")[0]}
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    if header is None:
        raise ValueError("not a pain.001 credit-transfer file")
    count, total = int(header.findtext("p:NbOfTxs", "", ns)), _cents(header, "p:CtrlSum", ns)
    amounts = [_cents(amount, ".", ns) for amount in root.iterfind(".//p:InstdAmt", ns)]
    if (count, total) != (len(amounts), sum(amounts)):
        raise ValueError(
            f"the header states {count} transfers for {total} cents; "
            f"the file holds {len(amounts)} for {sum(amounts)}"
        )
    return count, total


def conceal_creditors(xml: bytes, end_to_end_ids: Collection[str], shown: str) -> bytes:
    """The file with the creditor's name and account of the transfers `end_to_end_ids` shown
    as `shown` ("restricted", "erased"): a person's data gone from the copy the fund keeps,
    once erased, while every amount and id stays and the rest of the file is unchanged byte
    for byte. The file no longer validates for those transfers: it is a record, not one to
    send again."""
    wanted = {end_to_end_id.encode() for end_to_end_id in end_to_end_ids}
    word = escape(shown).encode()

    def conceal(transfer: re.Match[bytes]) -> bytes:
        found = _END_TO_END_ID.search(transfer[0])
        if found is None or found[1] not in wanted:
            return transfer[0]
        block = _CREDITOR_NAME.sub(lambda field: field[1] + word + field[2], transfer[0])
        return _CREDITOR_IBAN.sub(lambda field: field[1] + word + field[2], block)

    return _TRANSFER.sub(conceal, xml)


def sepa_text(value: str, limit: int) -> str:
    """`value` in the SEPA character set, cut at `limit` characters."""
    text = " ".join(_NOT_SEPA.sub(" ", unidecode(value)).split())[:limit].rstrip()
    if not text:
        raise ValueError(f"{value!r} has nothing left in the SEPA character set")
    return text


class _Pain001(SepaTransfer):
    """sepaxml's transfer with the ids and creation time given instead of drawn."""

    def __init__(self, config: dict, message_id: str, created_at: datetime) -> None:
        self._message_id, self._created_at = message_id, created_at
        super().__init__(config, schema=PAIN_001, clean=False)

    def _create_header(self) -> None:
        self.msg_id = self._message_id  # sepaxml draws a timestamp and random hex
        super()._create_header()
        created = self._xml.find(f"{self.root_el}/GrpHdr/CreDtTm")
        created.text = self._created_at.strftime("%Y-%m-%dT%H:%M:%S")  # sepaxml reads the clock

    def _finalize_batch(self) -> None:
        super()._finalize_batch()
        (batch_id,) = self._xml.iter("PmtInfId")  # one execution date: one batch
        batch_id.text = self._message_id  # sepaxml draws a random suffix


def _payment(transfer: Transfer, execution_date: date) -> dict:
    _check_id("end-to-end id", transfer.end_to_end_id)
    amount = transfer.amount_cents
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"{transfer.end_to_end_id}: the amount is a whole number of cents")
    if not 0 < amount <= MAX_AMOUNT_CENTS:
        raise ValueError(f"{transfer.end_to_end_id}: amount {amount} cents is not payable")
    if len(transfer.remittance) > 140:
        raise ValueError(f"{transfer.end_to_end_id}: the remittance exceeds 140 characters")
    payment = {
        "name": sepa_text(transfer.creditor_name, 70),
        "IBAN": normalize_iban(transfer.iban),
        "amount": amount,
        "execution_date": execution_date,
        "description": sepa_text(transfer.remittance, 140),
        "endtoend_id": transfer.end_to_end_id,
    }
    if transfer.bic is not None:
        payment["BIC"] = normalize_bic(transfer.bic)
    return payment


def _check_id(what: str, value: str) -> None:
    if not _SEPA_ID.fullmatch(value):
        raise ValueError(
            f"{what} {value!r}: 1 to 35 characters of the SEPA set, no spaces, "
            "not starting or ending with '/' nor containing '//'"
        )


def _check_unique(transfers: Sequence[Transfer]) -> None:
    seen: set[str] = set()
    for transfer in transfers:
        if transfer.end_to_end_id in seen:  # PAY-6: a payment is made once
            raise ValueError(f"payment {transfer.end_to_end_id} is in the file twice")
        seen.add(transfer.end_to_end_id)


def _cents(element: ET.Element, path: str, ns: dict[str, str]) -> int:
    text = element.findtext(path, "", ns)
    try:
        cents = Decimal(text) * 100
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if cents != cents.to_integral_value():
        raise ValueError(f"amount {text} is not in whole cents")
    return int(cents)
