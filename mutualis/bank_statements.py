"""Bank statements as a Belgian bank delivers them (camt.053.001.02), for the demo and the tests:
credits on the fund's account, each with its payer, their account and either the structured
communication (in Strd/CdtrRefInf, issuer BBA) or a free text. What einvoicing reads with
services/einvoicing/domain/bank_statement.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@dataclass(frozen=True)
class Transfer:
    reference: str  # the bank's entry reference
    amount: Decimal
    booked_on: date
    payer_name: str
    payer_iban: str
    communication: str | None = None  # +++123/4567/89012+++
    text: str | None = None  # a free communication


def camt053(
    statement_id: str, account_iban: str, made_at: datetime, transfers: list[Transfer]
) -> bytes:
    entries = "".join(_entry(t) for t in transfers)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NAMESPACE}"><BkToCstmrStmt>
<GrpHdr><MsgId>{escape(statement_id)}</MsgId><CreDtTm>{made_at:%Y-%m-%dT%H:%M:%S}</CreDtTm></GrpHdr>
<Stmt><Id>{escape(statement_id)}</Id><CreDtTm>{made_at:%Y-%m-%dT%H:%M:%S}</CreDtTm>
<Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}</Stmt>
</BkToCstmrStmt></Document>
""".encode()


def _entry(transfer: Transfer) -> str:
    if transfer.communication:
        digits = "".join(ch for ch in transfer.communication if ch.isdigit())
        remittance = (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
            f"<Ref>{digits}</Ref></CdtrRefInf></Strd>"
        )
    else:
        remittance = f"<Ustrd>{escape(transfer.text or '')}</Ustrd>"
    day = transfer.booked_on.isoformat()
    return (
        f'<Ntry><Amt Ccy="EUR">{transfer.amount:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"<AcctSvcrRef>{escape(transfer.reference)}</AcctSvcrRef><NtryDtls><TxDtls>"
        f"<RltdPties><Dbtr><Nm>{escape(transfer.payer_name)}</Nm></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{transfer.payer_iban}</IBAN></Id></DbtrAcct></RltdPties>"
        f"<RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>"
    )
