"""Letters to a complainant: rendered from the templates in the complainant's language.

Written languages are Dutch and French. German is answered in French: the German-speaking
Community lies in Wallonia, whose funds work in French, and French is the language its
inhabitants may use with every federal body. English, not an official language, is answered
in Dutch, the language of the procedure's seed. A letter's event says which language it is in.

ID-10: templates ask for nothing; the handler's free text (motivation, advice, question, note)
may not ask for a password or code either, since a letter asking for one is what phishing
looks like."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from services.complaints.domain import templates as t
from shared.contracts.complaints import LetterKind
from shared.refusal import Refused

WRITTEN = ("nl", "fr")
FALLBACK = {"de": "fr", "en": "nl"}
FREE_TEXT = ("motivation", "advice", "question", "note")

_CREDENTIALS = re.compile(
    r"wachtwoord|paswoord|pin-?code|\bpin\b|mot de passe|passwor[dt]|kennwort|"
    r"verificatiecode|bevestigingscode|activatiecode|code (secret|pin|de v[ée]rification|"
    r"de confirmation|d'activation)|\b(je|uw|jouw|votre|ton|your|ihren?) code\b",
    re.IGNORECASE,
)


class CredentialRequest(Refused):
    """A letter would ask the complainant for a password or code (ID-10)."""


@dataclass(frozen=True)
class Letter:
    kind: LetterKind
    language: str
    text: str
    standard: bool = False


def written_in(language: str) -> str:
    return language if language in WRITTEN else FALLBACK[language]


def render(
    kind: LetterKind,
    language: str,
    name: str | None,
    *,
    standard: bool = False,
    sender: str = "fund",
    **fields: object,
) -> Letter:
    """The letter of `kind` to `name` (None: the complainant is not known by name)."""
    for field in FREE_TEXT:
        _refuse_credential_requests(fields.get(field))
    lang = written_in(language)
    values = {field: _shown(field, value, lang) for field, value in fields.items()}
    greeting = t.GREETING[lang].format(name=name) if name else t.GREETING_UNNAMED[lang]
    body = _fill(t.BODIES[kind, standard][lang], values)
    sign_off = t.SIGN_OFF[lang].format(sender=t.SENDERS[lang][sender])
    text = "\n\n".join([greeting, body, sign_off, t.PHISHING_NOTICE[lang]])
    return Letter(kind, lang, text, standard)


def _fill(template: str, values: dict[str, str | None]) -> str:
    def optional(paragraph: re.Match[str]) -> str:
        names = re.findall(r"\{(\w+)\}", paragraph.group(1))
        return paragraph.group(1) if all(values.get(n) for n in names) else ""

    # Drop the optional paragraphs of the template (never of the values) before filling in.
    template = re.sub(r"\[([^\]]*)\]", optional, template)
    template = re.sub(r"\n{3,}", "\n\n", template).strip()
    return template.format(**values)


def _shown(field: str, value: object, lang: str) -> str | None:
    if value is None:
        return None
    if field == "verdict":
        return t.VERDICTS[lang][value]
    if field == "ground":
        return t.GROUNDS[lang][value]
    if isinstance(value, date):
        day = "1er" if lang == "fr" and value.day == 1 else str(value.day)
        return f"{day} {t.MONTHS[lang][value.month - 1]} {value.year}"
    return str(value)


def _refuse_credential_requests(text: object) -> None:
    if isinstance(text, str) and (found := _CREDENTIALS.search(text)):
        raise CredentialRequest(
            f"a letter to a complainant never asks for a password or code (ID-10); "
            f"take {found.group(0)!r} out of the text"
        )
