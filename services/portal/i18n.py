"""The portal's words in Dutch and French (messages.yaml, one entry per text with both
languages side by side, so a missing translation shows in review) and Belgian formats of
money and dates (Babel: `€ 12,50` in nl_BE, `12,50 €` in fr_BE)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

LANGUAGES = ("nl", "fr")
LOCALES = {"nl": "nl_BE", "fr": "fr_BE"}


class _Unique(yaml.SafeLoader):
    """A text named twice is a mistake, not the later one silently winning."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = {key for key in keys if keys.count(key) > 1}
        if twice:
            raise ValueError(f"messages.yaml: named twice: {', '.join(sorted(twice))}")
        return super().construct_mapping(node, deep)


@cache
def messages() -> dict[str, dict[str, str]]:
    loaded = yaml.load((Path(__file__).parent / "messages.yaml").read_text("utf-8"), _Unique)
    missing = [key for key, texts in loaded.items() if set(texts) != set(LANGUAGES)]
    if missing:
        raise ValueError(f"messages.yaml: not in both languages: {', '.join(missing)}")
    return loaded


def text(language: str, key: str, **values: object) -> str:
    """The text `key` in `language`, its `{placeholders}` filled in."""
    words = messages()[key][language]
    return words.format(**values) if values else words


def money(amount: Decimal | str | int | None, language: str) -> str:
    if amount is None:
        return ""
    return format_currency(Decimal(str(amount)), "EUR", locale=LOCALES[language])


def day(value: date | str | None, language: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "long", locale=LOCALES[language])


def month(value: date | str | None, language: str) -> str:
    """A month as the member says it: `januari 2027`, `janvier 2027`."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "LLLL y", locale=LOCALES[language])


def moment(value: datetime | str | None, language: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value, "medium", tzinfo="Europe/Brussels", locale=LOCALES[language])
