"""Matching incoming payments to invoices (INV-8).

A credit finds its invoice (1) by its structured communication, the exact OGM of an open or
already paid invoice; otherwise (2) by amount and payer account: the account is one the
household paid from before or has on file, and exactly one open invoice of that amount is
the household's (a valid communication that is none of ours does not stop this, and the
reason says so). Anything else is left for a handler, with the reason in words; nothing is
guessed, so two open invoices of the same amount for one payer stay unmatched.

A partial payment leaves a balance due; an overpayment pays the invoice and leaves the
surplus to refund; a payment of an invoice already paid is refunded whole. Money left
unmatched is not marked for refund: a handler decides what it pays.

Pure functions of plain data: what is stored and who is told live elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from services.einvoicing.domain.bank_statement import Credit
from services.einvoicing.domain.structured_communication import StructuredCommunication
from shared.identifiers import normalize_iban

Outcome = Literal["paid", "partly_paid", "overpaid", "already_paid", "unmatched"]
MatchedBy = Literal["structured communication", "amount and payer account"]

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice a payment may be for: still open, or paid (balance 0) and so refundable."""

    invoice_id: str
    number: str
    communication: StructuredCommunication
    household: str  # the customer number (klantnummer) of the booklet invoiced
    amount_due: Decimal  # the balance still to pay
    known_ibans: frozenset[str] = frozenset()  # on file, or paid from before

    def __post_init__(self) -> None:
        if not isinstance(self.amount_due, Decimal) or self.amount_due < 0:
            raise ValueError(f"invoice {self.number}: the balance is a Decimal, zero or more")
        ibans = frozenset(normalize_iban(iban) for iban in self.known_ibans)
        object.__setattr__(self, "known_ibans", ibans)


@dataclass(frozen=True)
class Match:
    entry_id: str  # the credit's
    outcome: Outcome
    invoice_id: str | None
    amount_applied: Decimal  # to the invoice
    amount_to_refund: Decimal
    new_balance: Decimal | None  # of the invoice; None when unmatched
    matched_by: MatchedBy | None
    reason: str


def match_credit(credit: Credit, invoices: Iterable[OpenInvoice]) -> Match:
    """The invoice this credit pays and what it leaves, or why a handler must look at it."""
    invoices = tuple(invoices)
    if credit.communication is not None:
        invoice = next((i for i in invoices if i.communication == credit.communication), None)
        if invoice is not None:
            how = f"communication {credit.communication}"
            return _settle(credit, invoice, "structured communication", how)
        head = f"communication {credit.communication} is no invoice of ours"
    else:
        head = "no structured communication"
    if credit.remarks:
        head += f" ({'; '.join(credit.remarks)})"
    candidates, why_not = _by_amount_and_account(credit, invoices)
    if len(candidates) == 1:
        how = f"{head}; the one open invoice of {euro(credit.amount)} for this payer"
        return _settle(credit, candidates[0], "amount and payer account", how)
    return Match(credit.entry_id, "unmatched", None, ZERO, ZERO, None, None, f"{head} {why_not}")


def match_statement(
    credits: Iterable[Credit], invoices: Iterable[OpenInvoice]
) -> tuple[Match, ...]:
    """Match the credits in order, each seeing the balances the ones before it left, so the
    second of a double payment is already_paid. An account that paid an invoice by its
    communication is known for the household from then on."""
    current = {invoice.invoice_id: invoice for invoice in invoices}
    matches = []
    for credit in credits:
        match = match_credit(credit, current.values())
        matches.append(match)
        if match.invoice_id is None or match.new_balance is None:
            continue
        paid = current[match.invoice_id] = replace(
            current[match.invoice_id], amount_due=match.new_balance
        )
        if credit.payer_iban and credit.payer_iban not in paid.known_ibans:
            for invoice in [i for i in current.values() if i.household == paid.household]:
                ibans = invoice.known_ibans | {credit.payer_iban}
                current[invoice.invoice_id] = replace(invoice, known_ibans=ibans)
    return tuple(matches)


def _by_amount_and_account(
    credit: Credit, invoices: tuple[OpenInvoice, ...]
) -> tuple[list[OpenInvoice], str]:
    """The open invoices of the payer's households with exactly this balance, and, when not
    one, the end of the sentence saying why."""
    if credit.payer_iban is None:
        return [], "and no payer account to recognise the payer by"
    households = {i.household for i in invoices if credit.payer_iban in i.known_ibans}
    if not households:
        return [], f"and payer account {credit.payer_iban} is not known for any household"
    candidates = [
        i for i in invoices if i.household in households and i.amount_due == credit.amount
    ]
    if not candidates:
        return [], f"and no open invoice of {euro(credit.amount)} for this payer"
    numbers = ", ".join(i.number for i in candidates)
    return candidates, (
        f"and {len(candidates)} open invoices of {euro(credit.amount)} for this payer "
        f"({numbers}): not guessed"
    )


def _settle(credit: Credit, invoice: OpenInvoice, matched_by: MatchedBy, how: str) -> Match:
    due, amount = invoice.amount_due, credit.amount
    outcome: Outcome
    what = f"{how}: invoice {invoice.number}"
    if due == 0:
        outcome, applied, refund = "already_paid", ZERO, amount
        reason = f"{what} was already paid, {euro(amount)} to refund"
    elif amount < due:
        outcome, applied, refund = "partly_paid", amount, ZERO
        reason = f"{what} partly paid, {euro(due - amount)} of {euro(due)} still due"
    elif amount == due:
        outcome, applied, refund = "paid", amount, ZERO
        reason = f"{what} paid"
    else:
        outcome, applied, refund = "overpaid", due, amount - due
        reason = f"{what} paid, {euro(amount - due)} paid too much, to refund"
    return Match(
        credit.entry_id,
        outcome,
        invoice.invoice_id,
        applied,
        refund,
        due - applied,
        matched_by,
        reason,
    )


def euro(amount: Decimal) -> str:
    """`Decimal("1234.5")` → "1.234,50 €", as a Belgian reads an amount."""
    grouped = f"{amount:,.2f}"
    return grouped.replace(",", " ").replace(".", ",").replace(" ", ".") + " €"
