"""INV-3: when an invoice (or its reminder) is in a payer's inbox, they are told, on the channel
they chose and at the address they gave (by default the dossier's), unless they switched
notices off; an invoice on paper needs none. A notice says that a document is waiting and
nothing more: no amount, no link to log in with (ID-10), so a mail read by someone else gives
nothing away and a phishing mail cannot pass for ours by copying it.

A durable timer, due at once, sends each notice and records that it went (or why not): a crash
before the commit sends it again, never loses it."""

from __future__ import annotations

from datetime import date
from functools import cache

from babel.dates import format_date

from services.einvoicing.config import einvoicing_settings
from services.einvoicing.domain.billing import HouseholdInvoice
from services.einvoicing.households import Households
from shared.contracts.einvoicing import InvoiceNoticeSent
from shared.eventstore import Timer, UnitOfWork
from shared.eventstore.repository import Repository
from shared.notifying import Message, Senders
from shared.pdf import LOCALES

NOTICE = "einvoicing.notice"

_WORDS = {
    "nl": {
        "issued": ("Nieuwe factuur in je inbox", "je factuur van {month}"),
        "reminder": ("Herinnering in je inbox", "een herinnering voor je factuur van {month}"),
        "short": "Nieuw in je inbox op het ledenportaal: {what}. Dit bericht bevat geen link.",
        "body": (
            "Beste,\n\nIn je inbox op het ledenportaal staat een nieuw document klaar: {what}.\n"
            "Meld je aan op het portaal zoals je dat altijd doet om het te lezen. Deze e-mail "
            "bevat bewust geen link en geen bedrag.\n\nJe ziekenfonds"
        ),
    },
    "fr": {
        "issued": ("Nouvelle facture dans votre boîte", "votre facture de {month}"),
        "reminder": ("Rappel dans votre boîte", "un rappel pour votre facture de {month}"),
        "short": "Nouveau dans votre boîte sur le portail : {what}. Ce message n'a aucun lien.",
        "body": (
            "Bonjour,\n\nUn nouveau document vous attend dans votre boîte sur le portail des "
            "membres : {what}.\nConnectez-vous au portail comme d'habitude pour le lire. Ce "
            "message ne contient volontairement ni lien ni montant.\n\nVotre mutualité"
        ),
    },
}


def notice_timer(invoice_id: str, number: str, notice: str, due) -> Timer:
    payload = {"invoice_id": invoice_id, "notice": notice}
    return Timer(f"{NOTICE}:{number}:{notice}", NOTICE, due, payload)


def message(language: str, notice: str, period: date) -> Message:
    words = _WORDS.get(language, _WORDS["nl"])
    subject, what = words["reminder" if notice.startswith("reminder") else "issued"]
    month = format_date(period, "MMMM y", locale=LOCALES.get(language, "nl_BE"))
    what = what.format(month=month)
    return Message(subject, words["body"].format(what=what), words["short"].format(what=what))


@cache
def senders() -> Senders:
    return Senders.configured(einvoicing_settings())


async def on_notice(timer: Timer, uow: UnitOfWork) -> None:
    aggregates = Repository.for_timer(uow, timer)
    invoice = await aggregates.get(HouseholdInvoice, timer.payload["invoice_id"])
    if invoice.issued is None:
        return
    notice = timer.payload["notice"]
    households = uow.view(Households)
    payer_id = invoice.issued.payer_person_id
    choice = await households.delivery(payer_id) or {}
    person = (await households.persons({payer_id})).get(payer_id) or {}
    channel = choice.get("channel") or "email"
    field = "email" if channel == "email" else "phone"
    address = choice.get(field) or person.get(field)
    if not choice.get("electronic"):
        sent, why = False, "on paper: the invoice is posted"
    elif not choice.get("notify"):
        sent, why = False, "the payer switched notices off"
    elif not address:
        sent, why = False, f"no {'e-mail address' if channel == 'email' else 'phone number'}"
    else:
        text = message(person.get("language") or "nl", notice, invoice.issued.period)
        await senders().of(channel).send(address, text)
        sent, why = True, f"told by {channel}"
    invoice.record(
        InvoiceNoticeSent(
            invoice_id=invoice.invoice_id,
            number=invoice.issued.number,
            notice=notice,
            channel=channel if sent else None,
            sent=sent,
            reason=why,
        )
    )
    await aggregates.save(invoice)


HANDLERS = {NOTICE: on_notice}
